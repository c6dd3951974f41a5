"""API of the editorial workflow (mounted under /api/v1/).

Writes need `Authorization: Bearer <token>` with the right scope: `drafts:write` to propose,
`drafts:review` to approve, send back or restore. The published history is public.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.conf import settings
from django.utils import timezone
from ninja import Path, Query, Router, Schema, Status
from ninja.security import HttpBearer
from pydantic import Field

from etsatlas.schema.factsheet import SYSTEM_ID_PATTERN
from etsatlas.web.atlas.api import router as atlas_router
from etsatlas.web.atlas.models import System
from etsatlas.web.core.errors import ApiError

from . import permissions, workflow
from .diffing import diff
from .models import ApiToken, AuditEntry, FactsheetDraft, FactsheetVersion, Scope

router = Router()

# Bounded parameters: out-of-range numbers and odd strings are a 400, never a database error.
MAX_INT = 2**31 - 1
SystemIdPath = Annotated[str, Path(pattern=SYSTEM_ID_PATTERN, max_length=40, description="System id, e.g. eu-ets.")]
IdPath = Annotated[int, Path(ge=1, le=MAX_INT)]
VersionPath = Annotated[int, Path(ge=1, le=MAX_INT)]
Limit = Annotated[int, Query(ge=1, le=MAX_INT, description="Page size; capped by the server's maximum.")]
Offset = Annotated[int, Query(ge=0, le=MAX_INT)]
Word = Annotated[str | None, Query(pattern=r"^[a-z0-9_.:-]{1,64}$")]


class TokenAuth(HttpBearer):
    """A bearer token issued by `etsatlas tokens create`; only its hash is stored."""

    def authenticate(self, request, token: str):
        found = ApiToken.objects.lookup(token) if token else None
        if found is None or not found.user.is_active:
            return None
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at > dt.timedelta(minutes=1):
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.api_token = found
        return found.user


token_auth = TokenAuth()


# -- schemas ------------------------------------------------------------------------------


class ErrorBody(Schema):
    status: int
    code: str
    message: str
    field: str | None = None
    details: Any = None


class ErrorOut(Schema):
    error: ErrorBody


class ChangeOut(Schema):
    path: str = Field(description="Field path, e.g. cap.values[0].value.value.")
    kind: str = Field(description="added, removed or changed.")
    old: Any = Field(None, description="Value before (null when added).")
    new: Any = Field(None, description="Value after (null when removed).")


class DraftIn(Schema):
    base_version: int | None = Field(
        None, ge=1, le=MAX_INT, description="Published version the change is based on (default: the current one)."
    )
    changes: dict[str, Any] | None = Field(
        None, description="JSON merge patch (RFC 7396) applied to the base: objects merge, null removes a field."
    )
    data: dict[str, Any] | None = Field(None, description="A whole factsheet replacing the base (instead of changes).")
    note: str = Field("", max_length=2000, description="What the change is and why.")


class DraftOut(Schema):
    id: int
    system_id: str
    state: str = Field(description="draft, submitted, published or rejected.")
    base_version: int
    note: str
    author: str
    created_at: dt.datetime
    updated_at: dt.datetime
    review_comment: str
    published_version: int | None
    changes: list[ChangeOut] = Field(description="Fields that differ from the base version.")
    data: dict[str, Any] = Field(description="The proposed factsheet.")


class ReviewIn(Schema):
    comment: str = Field("", max_length=2000, description="Required when sending a draft back.")


class VersionOut(Schema):
    system_id: str
    version: int
    published_at: dt.datetime
    published_by: str | None
    author: str | None
    note: str
    restored_from: int | None


class VersionDataOut(VersionOut):
    data: dict[str, Any]


class DiffOut(Schema):
    system_id: str
    a: int
    b: int
    changes: list[ChangeOut]


class AuditOut(Schema):
    at: dt.datetime
    actor: str
    action: str
    target_type: str
    target_id: str
    address: str | None
    details: dict[str, Any]


ERRORS = {code: ErrorOut for code in (400, 401, 403, 404, 409, 413, 429)}


# -- helpers ------------------------------------------------------------------------------


def _page(limit: int) -> int:
    return max(1, min(limit, settings.ETSATLAS["API_MAX_LIMIT"]))


def _require_scope(request, scope: str) -> None:
    token = getattr(request, "api_token", None)
    if token is None or scope not in token.scopes:
        raise ApiError(403, "insufficient_scope", f"this token lacks the {scope!r} scope")


def _run(step, *args, **kwargs):
    try:
        return step(*args, **kwargs)
    except workflow.WorkflowError as exc:
        raise ApiError(exc.status, exc.code, exc.message, field=exc.field, details=exc.details) from None


def _draft_for(request, draft_id: IdPath) -> FactsheetDraft:
    draft = FactsheetDraft.objects.select_related("author", "system").filter(pk=draft_id).first()
    if draft is None or not permissions.can_view_draft(request.auth, draft):
        raise ApiError(404, "not_found", f"no draft {draft_id} visible to you")
    return draft


def _draft_out(draft: FactsheetDraft) -> dict:
    base = workflow.version_data(draft.system_id, draft.base_version)
    return {
        "id": draft.pk,
        "system_id": draft.system_id,
        "state": draft.state,
        "base_version": draft.base_version,
        "note": draft.note,
        "author": draft.author.get_username(),
        "created_at": draft.created_at,
        "updated_at": draft.updated_at,
        "review_comment": draft.review_comment,
        "published_version": draft.published_version,
        "changes": [c.as_dict() for c in diff(base, draft.data)] if base is not None else [],
        "data": draft.data,
    }


def _version_out(row: FactsheetVersion, with_data: bool = False) -> dict:
    out = {
        "system_id": row.system_id,
        "version": row.version,
        "published_at": row.published_at,
        "published_by": row.published_by.get_username() if row.published_by else None,
        "author": row.author.get_username() if row.author else None,
        "note": row.note,
        "restored_from": row.restored_from,
    }
    if with_data:
        out["data"] = row.data
    return out


def _proposal(body: DraftIn, base: dict) -> dict:
    if (body.data is None) == (body.changes is None):
        raise ApiError(400, "invalid_parameter", "send exactly one of 'changes' (a merge patch) or 'data'", field="changes")
    return body.data if body.data is not None else workflow.merge_patch(base, body.changes)


def _base_data(system: System, base_version: int | None) -> dict:
    if base_version is None or base_version == system.version:
        return system.data
    return workflow.version_data(system.pk, base_version) or system.data


# -- writes -------------------------------------------------------------------------------


@atlas_router.patch(
    "/systems/{system_id}", auth=token_auth, response={201: DraftOut, **ERRORS}, tags=["drafts"],
    summary="Propose a change to a factsheet (creates a draft)",
)
def propose_change(request, system_id: SystemIdPath, body: DraftIn):
    """Create a draft from a merge patch (or a whole factsheet); needs the `drafts:write` scope."""
    _require_scope(request, Scope.DRAFTS_WRITE)
    system = System.objects.filter(pk=system_id).first()
    if system is None:
        raise ApiError(404, "not_found", f"no system with id {system_id!r}")
    if not permissions.can_edit_system(request.auth, system_id):
        raise ApiError(403, "forbidden", f"you may not propose changes to {system_id!r} (not one of your jurisdictions)")
    data = _proposal(body, _base_data(system, body.base_version))
    draft = _run(workflow.save_draft, request.auth, system_id, data, note=body.note, base_version=body.base_version)
    return Status(201, _draft_out(draft))


@router.patch("/drafts/{draft_id}", auth=token_auth, response={200: DraftOut, **ERRORS}, tags=["drafts"])
def update_draft(request, draft_id: IdPath, body: DraftIn):
    """Change an open draft (merge patch onto the draft, or a whole factsheet)."""
    _require_scope(request, Scope.DRAFTS_WRITE)
    draft = _draft_for(request, draft_id)
    if not permissions.can_change_draft(request.auth, draft):
        raise ApiError(403, "forbidden", "only the author or a reviewer may change this draft")
    data = _proposal(body, draft.data)
    draft = _run(workflow.save_draft, request.auth, draft.system_id, data, note=body.note, draft=draft)
    return _draft_out(draft)


@router.post("/drafts/{draft_id}/submit", auth=token_auth, response={200: DraftOut, **ERRORS}, tags=["drafts"])
def submit_draft(request, draft_id: IdPath):
    """Submit a draft for review."""
    _require_scope(request, Scope.DRAFTS_WRITE)
    draft = _draft_for(request, draft_id)
    if not permissions.can_change_draft(request.auth, draft):
        raise ApiError(403, "forbidden", "only the author or a reviewer may submit this draft")
    return _draft_out(_run(workflow.submit, request.auth, draft))


@router.post("/drafts/{draft_id}/approve", auth=token_auth, response={200: VersionOut, **ERRORS}, tags=["drafts"])
def approve_draft(request, draft_id: IdPath):
    """Publish a submitted draft as the next version (reviewers; `drafts:review` scope)."""
    _require_scope(request, Scope.DRAFTS_REVIEW)
    draft = _draft_for(request, draft_id)
    if not permissions.can_review(request.auth):
        raise ApiError(403, "forbidden", "only reviewers may publish drafts")
    return _version_out(_run(workflow.approve, request.auth, draft))


@router.post("/drafts/{draft_id}/reject", auth=token_auth, response={200: DraftOut, **ERRORS}, tags=["drafts"])
def reject_draft(request, draft_id: IdPath, body: ReviewIn):
    """Send a submitted draft back to its author with a comment (reviewers)."""
    _require_scope(request, Scope.DRAFTS_REVIEW)
    draft = _draft_for(request, draft_id)
    if not permissions.can_review(request.auth):
        raise ApiError(403, "forbidden", "only reviewers may send drafts back")
    return _draft_out(_run(workflow.reject, request.auth, draft, body.comment))


@router.post(
    "/systems/{system_id}/versions/{version}/restore", auth=token_auth, response={200: VersionOut, **ERRORS},
    tags=["history"],
)
def restore_version(request, system_id: SystemIdPath, version: VersionPath):
    """Publish an earlier version again, as a new version (reviewers)."""
    _require_scope(request, Scope.DRAFTS_REVIEW)
    if not permissions.can_review(request.auth):
        raise ApiError(403, "forbidden", "only reviewers may restore versions")
    return _version_out(_run(workflow.restore, request.auth, system_id, version))


# -- reads --------------------------------------------------------------------------------


@router.get("/drafts", auth=token_auth, response={200: list[DraftOut], **ERRORS}, tags=["drafts"])
def list_drafts(request, state: Word = None, system: Word = None, limit: Limit = 50, offset: Offset = 0):
    """Your drafts (reviewers: every draft). `limit` is capped by the server's maximum page size."""
    rows = FactsheetDraft.objects.select_related("author")
    if not permissions.can_review(request.auth):
        rows = rows.filter(author=request.auth)
    if state:
        rows = rows.filter(state=state)
    if system:
        rows = rows.filter(system_id=system)
    return [_draft_out(d) for d in rows[offset: offset + _page(limit)]]


@router.get("/drafts/{draft_id}", auth=token_auth, response={200: DraftOut, **ERRORS}, tags=["drafts"])
def get_draft(request, draft_id: IdPath):
    return _draft_out(_draft_for(request, draft_id))


@router.get("/systems/{system_id}/versions", response={200: list[VersionOut], **ERRORS}, tags=["history"])
def list_versions(request, system_id: SystemIdPath, limit: Limit = 50, offset: Offset = 0):
    """Every published version of a factsheet, newest first."""
    if not System.objects.filter(pk=system_id).exists():
        raise ApiError(404, "not_found", f"no system with id {system_id!r}")
    rows = FactsheetVersion.objects.filter(system_id=system_id).select_related("published_by", "author")
    return [_version_out(r) for r in rows[offset: offset + _page(limit)]]


@router.get("/systems/{system_id}/versions/{version}", response={200: VersionDataOut, **ERRORS}, tags=["history"])
def get_version(request, system_id: SystemIdPath, version: VersionPath):
    row = FactsheetVersion.objects.filter(system_id=system_id, version=version).first()
    if row is None:
        raise ApiError(404, "not_found", f"{system_id!r} has no version {version}")
    return _version_out(row, with_data=True)


@router.get("/systems/{system_id}/diff", response={200: DiffOut, **ERRORS}, tags=["history"])
def diff_versions(
    request, system_id: SystemIdPath, a: Annotated[int, Query(ge=1, le=MAX_INT)], b: Annotated[int, Query(ge=1, le=MAX_INT)]
):
    """Field-level differences from version `a` to version `b`."""
    old, new = workflow.version_data(system_id, a), workflow.version_data(system_id, b)
    for number, data in ((a, old), (b, new)):
        if data is None:
            raise ApiError(404, "not_found", f"{system_id!r} has no version {number}")
    return {"system_id": system_id, "a": a, "b": b, "changes": [c.as_dict() for c in diff(old, new)]}


@router.get("/audit", auth=token_auth, response={200: list[AuditOut], **ERRORS}, tags=["audit"])
def audit_log(request, action: Word = None, limit: Limit = 100, offset: Offset = 0):
    """The audit log, newest first (administrators)."""
    if not permissions.can_read_audit(request.auth):
        raise ApiError(403, "forbidden", "only administrators may read the audit log")
    rows = AuditEntry.objects.all()
    if action:
        rows = rows.filter(action=action)
    return [
        {"at": e.at, "actor": e.actor_name, "action": e.action, "target_type": e.target_type,
         "target_id": e.target_id, "address": e.address, "details": e.details}
        for e in rows[offset: offset + _page(limit)]
    ]
