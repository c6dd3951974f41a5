"""Accounts and the editorial workflow: roles, API tokens, drafts, published history, audit log.

Readers only ever see `atlas.System`; everything here is the path a change takes to get there
(draft -> submitted -> approved/published or sent back) and the record of what happened.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone


class Role(models.TextChoices):
    EDITOR = "editor", "Jurisdiction editor"
    REVIEWER = "reviewer", "Secretariat reviewer"
    ADMIN = "admin", "Administrator"


class Profile(models.Model):
    """The role of a user and, for editors, the systems (jurisdictions) they may propose changes to."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.EDITOR)
    jurisdictions = models.JSONField(
        default=list, blank=True, help_text="System ids this editor may propose changes to, e.g. [\"eu-ets\"]."
    )

    def __str__(self) -> str:
        return f"{self.user.get_username()} ({self.role})"


class Scope(models.TextChoices):
    DRAFTS_WRITE = "drafts:write", "Create, edit and submit drafts"
    DRAFTS_REVIEW = "drafts:review", "Approve, reject and restore (reviewers)"


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenManager(models.Manager):
    def issue(self, user, scopes: list[str], name: str = "") -> tuple[ApiToken, str]:
        """Create a token; the raw value is returned once and only its hash is stored."""
        raw = "eta_" + secrets.token_urlsafe(32)
        token = self.create(user=user, name=name, prefix=raw[:12], digest=_digest(raw), scopes=sorted(set(scopes)))
        return token, raw

    def lookup(self, raw: str) -> ApiToken | None:
        return self.select_related("user", "user__profile").filter(digest=_digest(raw), revoked=False).first()


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=12, help_text="First characters of the token, to recognise it.")
    digest = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the token; the token itself is never stored.")
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    objects = ApiTokenManager()

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class DraftState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted for review"
    PUBLISHED = "published", "Published"
    REJECTED = "rejected", "Sent back"


class FactsheetDraft(models.Model):
    """A proposed factsheet, based on one published version (optimistic locking)."""

    system = models.ForeignKey("atlas.System", on_delete=models.CASCADE, related_name="drafts")
    base_version = models.PositiveIntegerField(help_text="System.version this draft was made from.")
    data = models.JSONField(help_text="The proposed factsheet, validated against the schema.")
    note = models.TextField(blank=True, help_text="What the change is and why.")
    state = models.CharField(max_length=16, choices=DraftState.choices, default=DraftState.DRAFT, db_index=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="drafts")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="reviewed_drafts"
    )
    review_comment = models.TextField(blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    published_version = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return f"draft {self.pk} of {self.system_id} ({self.state})"

    @property
    def is_open(self) -> bool:
        return self.state in {DraftState.DRAFT, DraftState.SUBMITTED}


class FactsheetVersion(models.Model):
    """One published version of a factsheet, kept forever."""

    system = models.ForeignKey("atlas.System", on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    data = models.JSONField()
    content_hash = models.CharField(max_length=64)
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    draft = models.OneToOneField(FactsheetDraft, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    restored_from = models.PositiveIntegerField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["system_id", "-version"]
        constraints = [models.UniqueConstraint(fields=["system", "version"], name="unique_system_version")]

    def __str__(self) -> str:
        return f"{self.system_id} v{self.version}"


class AuditEntry(models.Model):
    """Who changed what, when and from where. Rows are written once and never changed."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(max_length=150, blank=True, help_text="Username at the time (kept if the user goes).")
    action = models.CharField(max_length=64, db_index=True)
    target_type = models.CharField(max_length=64)
    target_id = models.CharField(max_length=100, db_index=True)
    address = models.GenericIPAddressField(null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name or '-'} {self.action} {self.target_type}:{self.target_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise PermissionError("audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit entries cannot be deleted")


class LoginFailure(models.Model):
    """A failed sign-in; recent failures per account and per address decide lockouts (shared by all workers)."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    username = models.CharField(max_length=150, db_index=True)
    address = models.GenericIPAddressField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-at"]
