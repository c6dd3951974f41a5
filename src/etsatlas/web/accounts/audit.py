"""Writing the audit log: one call per change to data, from any area.

Other areas record their own changes with `record(request_or_user, "prices.import", ...)`.
"""

from __future__ import annotations

import getpass
from typing import Any

from etsatlas.web.core.middleware import client_address, current_request

from .models import AuditEntry


def _token_user(request):
    """The user of an API request authenticated with a token (django-ninja sets request.auth)."""
    auth = getattr(request, "auth", None)
    return auth if getattr(auth, "is_authenticated", False) else None


def _outside_requests() -> str:
    """Who made a change no web request carries: the operating-system account running the command."""
    try:
        return f"command line ({getpass.getuser()})"
    except (KeyError, OSError):  # no name for this uid (some containers)
        return "command line"


def record(actor: Any, action: str, target_type: str, target_id: Any, *, request=None, **details: Any) -> AuditEntry:
    """Append one entry. `actor` is a user, a request (its user is used) or None (the system).

    A change made outside any web request (the CLI, a shell, a migration) is attributed to the
    operating-system account that ran it, so an import or a seed is never anonymous.
    """
    if hasattr(actor, "META"):
        request, actor = actor, getattr(actor, "user", None)
    request = request or current_request.get()
    if actor is None and request is not None:
        actor = getattr(request, "user", None)
        if not getattr(actor, "is_authenticated", False):
            actor = _token_user(request)
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEntry.objects.create(
        actor=actor,
        actor_name=actor.get_username() if actor is not None else ("" if request is not None else _outside_requests()),
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        address=client_address(request),
        details=details,
    )
