"""Helpers for tests and benchmarks: accounts with a role, tokens, authorization headers."""

from __future__ import annotations

import copy

from django.contrib.auth import get_user_model

from .models import ApiToken, Profile, Role, Scope

PASSWORD = "correct-horse-battery-staple-42"

# XSS payloads for the escaping tests: each calls alert('xss-N') if it ever runs.
PAYLOADS = [
    "<script>alert('xss-1')</script>",
    '"><img src=x onerror=alert("xss-2")>',
    "'><svg/onload=alert('xss-3')>",
    '<a href="javascript:alert(\'xss-4\')">click</a>',
    "</textarea><script>alert('xss-5')</script>",
    "<iframe srcdoc=\"<script>alert('xss-6')</script>\"></iframe>",
    "<body onload=alert('xss-7')>",
    "{{ request }}{% debug %}<style>*{x:expression(alert('xss-8'))}</style>",
]


def payload_factsheet(base: dict) -> dict:
    """A factsheet with a payload in every free-text field."""
    data = copy.deepcopy(base)
    data.update(
        name=PAYLOADS[0], short_name=PAYLOADS[1], summary=PAYLOADS[2], phase=PAYLOADS[3],
        partnership=PAYLOADS[4], mechanism_note=PAYLOADS[5], notes=PAYLOADS[:],
        jurisdictions=[*PAYLOADS[6:], "EU-27"],
    )
    data["cap"] = {**data.get("cap", {}), "trajectory": PAYLOADS[7], "note": PAYLOADS[0]}
    data["scope"] = {**data.get("scope", {}), "gases_note": PAYLOADS[1], "entities_note": PAYLOADS[2]}
    data["sources"] = [{**data["sources"][0], "title": PAYLOADS[3]}] + data["sources"][1:]
    return data


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
        scopes = [Scope.DRAFTS_WRITE, Scope.DRAFTS_REVIEW, Scope.RESOURCES_WRITE]
    return ApiToken.objects.issue(user, [str(s) for s in scopes])[1]


def bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
