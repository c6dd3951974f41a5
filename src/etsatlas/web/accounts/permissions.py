"""Who may do what: one place answering every permission question of the workflow.

Editors propose changes to the systems assigned to them; reviewers review and publish
anything; administrators can do everything and read the audit log.
"""

from __future__ import annotations

from .models import FactsheetDraft, Role


def role_of(user) -> str | None:
    if user is None or not user.is_authenticated:
        return None
    if user.is_superuser:
        return Role.ADMIN
    profile = getattr(user, "profile", None)
    return profile.role if profile is not None else None


def jurisdictions_of(user) -> set[str]:
    profile = getattr(user, "profile", None)
    return set(profile.jurisdictions or []) if profile is not None else set()


def can_review(user) -> bool:
    return role_of(user) in {Role.REVIEWER, Role.ADMIN}


def can_edit_system(user, system_id: str) -> bool:
    role = role_of(user)
    if role in {Role.REVIEWER, Role.ADMIN}:
        return True
    return role == Role.EDITOR and system_id in jurisdictions_of(user)


def can_change_draft(user, draft: FactsheetDraft) -> bool:
    """Edit or submit: the author (still allowed on that system) or a reviewer."""
    if can_review(user):
        return True
    return draft.author_id == user.pk and can_edit_system(user, draft.system_id)


def can_view_draft(user, draft: FactsheetDraft) -> bool:
    return can_review(user) or draft.author_id == getattr(user, "pk", None) or can_edit_system(user, draft.system_id)


def can_read_audit(user) -> bool:
    return role_of(user) == Role.ADMIN
