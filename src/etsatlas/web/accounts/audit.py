"""Writing the audit log: one call per change to data, from any area.

Other areas record their own changes with `record(request_or_user, "prices.import", ...)`.
"""

from __future__ import annotations

from typing import Any

from etsatlas.web.core.middleware import current_request

from .models import AuditEntry


def client_address(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record(actor: Any, action: str, target_type: str, target_id: Any, *, request=None, **details: Any) -> AuditEntry:
    """Append one entry. `actor` is a user, a request (its user is used) or None (the system)."""
    if hasattr(actor, "META"):
        request, actor = actor, getattr(actor, "user", None)
    request = request or current_request.get()
    if actor is None and request is not None:
        actor = getattr(request, "user", None)
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEntry.objects.create(
        actor=actor,
        actor_name=actor.get_username() if actor is not None else "",
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        address=client_address(request),
        details=details,
    )
