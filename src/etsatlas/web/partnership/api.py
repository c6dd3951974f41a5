"""Partnership API: GET /api/v1/members?status=member|observer|former."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from etsatlas.web.core.errors import ApiError

from .models import STATUSES
from .views import members_with_history

router = Router()


class ChangeOut(Schema):
    status: str
    date: str | None
    date_precision: str | None
    as_of: str | None
    note: str
    source: str


class MemberOut(Schema):
    id: str
    name: str
    level: str
    country: str
    status: str
    systems: list[str]
    history: list[ChangeOut]


class MemberList(Schema):
    count: int
    counts: dict[str, int]
    results: list[MemberOut]


def member_data(m) -> dict:
    return {
        "id": m.id, "name": m.name, "level": m.level, "country": m.country, "status": m.status,
        "systems": list(m.system_ids or []),
        "history": [
            {"status": c.status, "date": c.date.isoformat() if c.date else None,
             "date_precision": c.date_precision or None, "as_of": c.as_of.isoformat() if c.as_of else None,
             "note": c.note, "source": c.source}
            for c in m.timeline()
        ],
    }


@router.get("/members", response=MemberList, summary="Members and observers of the partnership")
def list_members(request: HttpRequest, status: str = ""):
    """Every member and observer with its status history; `status` filters (comma-separated allowed)."""
    wanted = [s.strip() for s in status.split(",") if s.strip()]
    bad = [s for s in wanted if s not in STATUSES]
    if bad:
        raise ApiError(400, "invalid_parameter", f"unknown status {bad[0]!r}; allowed: {', '.join(STATUSES)}", field="status")
    members = list(members_with_history())
    counts = {s: sum(1 for m in members if m.status == s) for s in STATUSES}
    if wanted:
        members = [m for m in members if m.status in wanted]
    return {"count": len(members), "counts": counts, "results": [member_data(m) for m in members]}
