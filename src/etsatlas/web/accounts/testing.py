"""Helpers for tests and benchmarks: accounts with a role, tokens, authorization headers."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from .models import ApiToken, Profile, Role, Scope

PASSWORD = "correct-horse-battery-staple-42"


def make_user(username: str, role: str | None, jurisdictions=(), password: str | None = PASSWORD):
    """A user with a role (None: an account without one); admins are superusers.

    `password=None` gives an unusable password (no hashing: fast, for force_login).
    """
    user = get_user_model().objects.create_user(
        username, password=password, is_staff=role == Role.ADMIN, is_superuser=role == Role.ADMIN
    )
    if role is not None:
        Profile.objects.create(user=user, role=role, jurisdictions=list(jurisdictions))
    return user


def make_token(user, scopes=None) -> str:
    if scopes is None:
        scopes = [Scope.DRAFTS_WRITE, Scope.DRAFTS_REVIEW]
    return ApiToken.objects.issue(user, [str(s) for s in scopes])[1]


def bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
