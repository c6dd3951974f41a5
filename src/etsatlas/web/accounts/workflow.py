"""The editorial workflow: save a draft, submit, approve (publish) or send back, restore.

Publishing writes the System row, the version record and the audit entry in one
transaction, so an interruption leaves the previous state intact. A draft remembers the
version it was based on; if the published factsheet moved on since, saving or publishing
the draft is refused with the list of fields that changed (optimistic locking).
"""

from __future__ import annotations

import contextvars
from typing import Any

from django.db import transaction
from django.utils import timezone
from pydantic import ValidationError

from etsatlas.schema import Factsheet
from etsatlas.schema.loading import factsheet_to_data, validation_problems
from etsatlas.web.atlas.models import System, content_hash

from . import audit
from .diffing import diff
from .models import DraftState, FactsheetDraft, FactsheetVersion

# Set while this module writes a System row, so the change signal does not record it twice.
publishing: contextvars.ContextVar[bool] = contextvars.ContextVar("etsatlas_publishing", default=False)


class WorkflowError(Exception):
    """A refused workflow step; `status` and `code` map onto the API error shape."""

    def __init__(self, status: int, code: str, message: str, *, field: str | None = None, details: Any = None):
        super().__init__(message)
        self.status, self.code, self.message, self.field, self.details = status, code, message, field, details


def reject_nul(value: Any, field: str) -> None:
    """NUL characters cannot be stored (PostgreSQL refuses them): name the field instead of failing later."""
    if isinstance(value, str):
        if "\x00" in value:
            raise WorkflowError(400, "invalid_character", f"{field} contains a NUL character", field=field)
    elif isinstance(value, dict):
        for key, item in value.items():
            reject_nul(str(key), field)
            reject_nul(item, f"{field}.{key}" if field else str(key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            reject_nul(item, f"{field}[{i}]")


def validate(data: Any, system_id: str) -> Factsheet:
    """The factsheet in `data`, or WorkflowError(400) naming every invalid field."""
    if not isinstance(data, dict):
        raise WorkflowError(400, "invalid_factsheet", "the factsheet must be a JSON object")
    try:
        sheet = Factsheet.model_validate(data)
    except ValidationError as exc:
        problems = validation_problems(exc, file="draft", system=system_id)
        first = problems[0]
        raise WorkflowError(
            400,
            "invalid_factsheet",
            f"{len(problems)} problem(s) in the factsheet; first: {first.field}: {first.message}",
            field=first.field,
            details=[{"field": p.field, "message": p.message, "code": p.code} for p in problems],
        ) from None
    if sheet.id != system_id:
        raise WorkflowError(400, "invalid_factsheet", f"id {sheet.id!r} differs from the system {system_id!r}", field="id")
    return sheet


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7396 JSON merge patch: objects merge recursively, null removes, anything else replaces."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def record_version(system: System, *, author=None, published_by=None, draft=None, note: str = "", restored_from=None):
    """Store the System's current data as its version (once)."""
    version, _ = FactsheetVersion.objects.get_or_create(
        system=system,
        version=system.version,
        defaults=dict(
            data=system.data,
            content_hash=system.content_hash,
            author=author,
            published_by=published_by,
            draft=draft,
            note=note,
            restored_from=restored_from,
        ),
    )
    return version


def version_data(system_id: str, version: int) -> dict | None:
    row = FactsheetVersion.objects.filter(system_id=system_id, version=version).only("data").first()
    return row.data if row else None


def _conflict(system: System, base_version: int) -> WorkflowError:
    base = version_data(system.id, base_version)
    changes = [c.as_dict() for c in diff(base, system.data)] if base is not None else []
    listed = ", ".join(c["path"] for c in changes[:8]) + (" …" if len(changes) > 8 else "")
    what = f"; changed since: {listed}" if changes else ""
    return WorkflowError(
        409,
        "conflict",
        f"{system.id} was published as version {system.version} after this draft was based on version "
        f"{base_version}; start a new draft from version {system.version}{what}",
        field="base_version",
        details={"base_version": base_version, "current_version": system.version, "changes": changes},
    )


def save_draft(user, system_id: str, data: Any, *, note: str = "", base_version: int | None = None,
               draft: FactsheetDraft | None = None) -> FactsheetDraft:
    """Create a draft (or update an open one) after validating it and checking it is not stale."""
    system = System.objects.filter(pk=system_id).first()
    if system is None:
        raise WorkflowError(404, "not_found", f"no system with id {system_id!r}")
    if draft is not None:
        if not draft.is_open and draft.state != DraftState.REJECTED:
            raise WorkflowError(409, "not_editable", f"draft {draft.pk} is {draft.state} and can no longer change")
        base_version = draft.base_version
    base_version = system.version if base_version is None else base_version
    if base_version != system.version:
        raise _conflict(system, base_version)
    reject_nul(note, "note")
    reject_nul(data, "")
    sheet = validate(data, system_id)
    record_version(system)  # the base must be in the history for later diffs
    clean = factsheet_to_data(sheet)
    with transaction.atomic():
        if draft is None:
            draft = FactsheetDraft.objects.create(
                system=system, base_version=base_version, data=clean, note=note, author=user
            )
            action = "draft.create"
        else:
            draft.data, draft.note, draft.state = clean, note or draft.note, DraftState.DRAFT
            draft.save()
            action = "draft.update"
        audit.record(user, action, "draft", draft.pk, system=system_id, base_version=base_version,
                     changed=[c.path for c in diff(system.data, clean)][:50])
    return draft


def submit(user, draft: FactsheetDraft) -> FactsheetDraft:
    if draft.state not in {DraftState.DRAFT, DraftState.REJECTED}:
        raise WorkflowError(409, "not_submittable", f"draft {draft.pk} is {draft.state}; only drafts can be submitted")
    system = System.objects.get(pk=draft.system_id)
    if draft.base_version != system.version:
        raise _conflict(system, draft.base_version)
    with transaction.atomic():
        draft.state = DraftState.SUBMITTED
        draft.save(update_fields=["state", "updated_at"])
        audit.record(user, "draft.submit", "draft", draft.pk, system=draft.system_id)
    return draft


def reject(user, draft: FactsheetDraft, comment: str) -> FactsheetDraft:
    if draft.state != DraftState.SUBMITTED:
        raise WorkflowError(409, "not_submitted", f"draft {draft.pk} is {draft.state}; only submitted drafts are reviewed")
    reject_nul(comment, "comment")
    if not comment.strip():
        raise WorkflowError(400, "comment_required", "say why the draft is sent back", field="comment")
    with transaction.atomic():
        draft.state, draft.review_comment = DraftState.REJECTED, comment
        draft.reviewer, draft.reviewed_at = user, timezone.now()
        draft.save()
        audit.record(user, "draft.reject", "draft", draft.pk, system=draft.system_id, comment=comment)
    return draft


def _publish(user, system: System, sheet: Factsheet, *, action: str, draft=None, note="", restored_from=None,
             details: dict | None = None) -> FactsheetVersion:
    """Write the System row, its version and the audit entry; the caller holds the transaction and row lock."""
    record_version(system)
    token = publishing.set(True)
    try:
        if not system.apply(sheet):
            raise WorkflowError(409, "no_change", f"the factsheet is identical to published version {system.version}")
        system.save()
    finally:
        publishing.reset(token)
    version = record_version(
        system, author=draft.author if draft else user, published_by=user, draft=draft, note=note,
        restored_from=restored_from,
    )
    audit.record(user, action, "system", system.pk, version=system.version, **(details or {}))
    return version


def approve(user, draft: FactsheetDraft) -> FactsheetVersion:
    """Publish a submitted draft as the next version of its system."""
    with transaction.atomic():
        draft = FactsheetDraft.objects.select_for_update().get(pk=draft.pk)
        if draft.state != DraftState.SUBMITTED:
            raise WorkflowError(409, "not_submitted", f"draft {draft.pk} is {draft.state}; only submitted drafts are published")
        system = System.objects.select_for_update().get(pk=draft.system_id)
        if draft.base_version != system.version:
            raise _conflict(system, draft.base_version)
        sheet = validate(draft.data, system.pk)
        version = _publish(user, system, sheet, action="system.publish", draft=draft, note=draft.note,
                           details={"draft": draft.pk, "author": draft.author.get_username()})
        draft.state, draft.reviewer, draft.reviewed_at = DraftState.PUBLISHED, user, timezone.now()
        draft.published_version = system.version
        draft.save()
    return version


def restore(user, system_id: str, version: int, note: str = "") -> FactsheetVersion:
    """Publish an earlier version again, as a new version."""
    with transaction.atomic():
        system = System.objects.select_for_update().filter(pk=system_id).first()
        if system is None:
            raise WorkflowError(404, "not_found", f"no system with id {system_id!r}")
        old = FactsheetVersion.objects.filter(system=system, version=version).first()
        if old is None:
            raise WorkflowError(404, "not_found", f"{system_id} has no version {version}")
        sheet = validate(old.data, system_id)
        return _publish(user, system, sheet, action="system.restore", note=note or f"restored version {version}",
                        restored_from=version, details={"restored_from": version})


def history_check(system: System) -> bool:
    """True when the stored version matches the row (used by tests and the load benchmark)."""
    row = FactsheetVersion.objects.filter(system=system, version=system.version).first()
    return row is not None and row.content_hash == content_hash(system.data)
