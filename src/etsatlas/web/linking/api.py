"""API of the linking assessment (mounted under /api/v1/ by etsatlas.web.api)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from ninja import Query, Router, Schema

from ..core.errors import ApiError
from .selection import SelectionError, select

router = Router()

StatusCode = Literal["aligned", "needs_alignment", "barrier", "not_enough_data"]


class CompatEvidence(Schema):
    values: dict[str, Any]
    uncertain: list[str]
    sources: list[str]


class CompatElement(Schema):
    element: str
    status: StatusCode
    evidence: dict[str, CompatEvidence]
    why: str
    options: list[str]


class CompatChecklistItem(Schema):
    text: str
    status: StatusCode | None
    elements: list[str]


class CompatPhase(Schema):
    phase: str
    title: str
    status: StatusCode
    items: list[CompatChecklistItem]


class CompatAssessment(Schema):
    systems: list[str]
    overall: StatusCode
    elements: list[CompatElement]
    checklist: list[CompatPhase]


@router.get("/compatibility", response=CompatAssessment, summary="Assess a link between 2 to 6 systems")
def compatibility(
    request,
    systems: Annotated[str, Query(description="Comma-separated system ids (2 to 6), e.g. ca-cat,qc-cat.")] = "",
    edit: Annotated[list[str] | None, Query(description="What-if edit SYSTEM:FIELD=VALUE, repeatable.")] = None,
    fx: Annotated[str, Query(description="Exchange rates in one common currency, e.g. EUR:1,GBP:1.17.")] = "",
):
    """Element-by-element compatibility: `systems`, `overall`, `elements` and `checklist`.

    Unknown ids answer 404; fewer than 2 (or more than 6) ids answer 400.
    """
    try:
        selection = select([systems], edit or [], [fx])
    except SelectionError as exc:
        raise ApiError(exc.status, exc.code, exc.message, field=exc.field) from exc
    return selection.assess().as_dict()
