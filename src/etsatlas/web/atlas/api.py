"""Knowledge-base API: the filtered list of systems, one factsheet, downloads, the JSON Schema.

List and detail carry ETag and Last-Modified derived from the published data, and answer
304 to a matching conditional request, so clients can cache.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.http import http_date, parse_http_date_safe
from ninja import Router
from pydantic import BaseModel

from etsatlas.schema.loading import factsheet_to_data

from ..core.errors import ApiError
from .caching import cached_body, share
from .exporting import to_csv, to_json
from .filters import FILTERS, FilterError, parse_query
from .schema_export import factsheet_json_schema
from .store import Snapshot, snapshot

router = Router()


class SystemSummary(BaseModel):
    """One row of the systems list."""

    id: str
    name: str
    short_name: str | None
    jurisdictions: list[str]
    level: str
    region: str
    mechanism: str | None
    status: str
    start_year: int | None
    as_of: str
    updated_at: str | None
    url: str
    page: str


class SystemPage(BaseModel):
    """A page of the filtered list: `count` matches in all, `results` from `offset`."""

    count: int
    limit: int
    offset: int
    results: list[SystemSummary]


def _list_responses() -> dict:
    """200 is a page (JSON object), the whole factsheets (`format=json`, an array) or CSV."""
    page = SystemPage.model_json_schema()
    page.pop("$defs", None)
    page["properties"]["results"]["items"] = SystemSummary.model_json_schema()  # inline: no dangling $ref
    sheet = {"type": "object", "description": "A whole factsheet (see /api/v1/schema/factsheet.json)."}
    error = {"type": "object", "properties": {"error": {"type": "object"}}, "required": ["error"]}
    return {
        "200": {
            "description": "The filtered systems",
            "content": {
                "application/json": {"schema": {"oneOf": [page, {"type": "array", "items": sheet}]}},
                "text/csv": {"schema": {"type": "string"}},
            },
        },
        "304": {"description": "Not modified since the ETag or date sent"},
        "400": {"description": "An invalid parameter, named in `field`",
                "content": {"application/json": {"schema": error}}},
    }


def _query_from(request: HttpRequest):
    unknown = set(request.GET) - {f.name for f in FILTERS} - {"q", "sort", "limit", "offset", "format"}
    if unknown:
        name = sorted(unknown)[0]
        allowed = ", ".join([f.name for f in FILTERS] + ["q", "sort", "limit", "offset", "format"])
        raise ApiError(400, "unknown_parameter", f"unknown query parameter {name!r}; allowed: {allowed}", field=name)
    try:
        return parse_query({k: request.GET.getlist(k) for k in request.GET})
    except FilterError as exc:
        raise ApiError(400, "invalid_parameter", str(exc), field=exc.param, details={"allowed": exc.allowed}) from exc


def _int_param(request: HttpRequest, name: str, default: int, lo: int, hi: int) -> int:
    raw = request.GET.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(400, "invalid_parameter", f"{name}: {raw!r} is not an integer", field=name) from None
    if not lo <= value <= hi:
        raise ApiError(400, "invalid_parameter", f"{name}: {value} is outside {lo}..{hi}", field=name)
    return value


def _not_modified(request: HttpRequest, snap: Snapshot) -> bool:
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        return snap.etag in [tag.strip() for tag in if_none_match.split(",")] or if_none_match.strip() == "*"
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    return bool(since and snap.last_modified and int(snap.last_modified.timestamp()) <= since)


def _cached(request: HttpRequest, response: HttpResponse, snap: Snapshot) -> HttpResponse:
    """Validators and cache lifetime for an answer built from the published factsheets."""
    if response.status_code == 200:
        share(request, response)
    response["ETag"] = snap.etag
    if snap.last_modified:
        response["Last-Modified"] = http_date(snap.last_modified.timestamp())
    response["Cache-Control"] = "public, max-age=60"
    return response


def _summary(sheet, snap: Snapshot) -> dict:
    mechanism = sheet.mechanism.value if sheet.mechanism else None
    return {
        "id": sheet.id,
        "name": sheet.name,
        "short_name": sheet.short_name,
        "jurisdictions": sheet.jurisdictions,
        "level": sheet.level.value,
        "region": sheet.region.value,
        "mechanism": mechanism.value if mechanism else None,
        "status": sheet.status.current.value,
        "start_year": sheet.status.start_year.value if sheet.status.start_year else None,
        "as_of": sheet.as_of.isoformat(),
        "updated_at": snap.updated[sheet.id].isoformat() if sheet.id in snap.updated else None,
        "url": f"/api/v1/systems/{sheet.id}",
        "page": f"/systems/{sheet.id}/",
    }


@router.get(
    "/systems",
    summary="List systems (filterable, paginated; CSV/JSON download)",
    description=(
        "Filters: " + "; ".join(f"`{f.name}` ({', '.join(f.allowed)})" for f in FILTERS)
        + ". Several values of one filter (comma-separated or repeated) are alternatives; filters combine. "
        "`q` searches names and jurisdictions; `sort` is name, status, start_year, coverage or region "
        "(prefix - for descending); `limit` (1..max) and `offset` paginate; `format=csv` or `format=json` "
        "downloads the whole filtered list."
    ),
    openapi_extra={
        "responses": _list_responses(),
        "parameters": [
            *({"name": f.name, "in": "query", "required": False, "description": f.description,
               "schema": {"type": "string", "enum": f.allowed}} for f in FILTERS),
            {"name": "q", "in": "query", "required": False, "schema": {"type": "string"}},
            {"name": "sort", "in": "query", "required": False, "schema": {"type": "string"}},
            {"name": "limit", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1}},
            {"name": "offset", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 0}},
            {"name": "format", "in": "query", "required": False, "schema": {"type": "string", "enum": ["csv", "json"]}},
        ]
    },
)
def list_systems(request: HttpRequest):
    query = _query_from(request)
    max_limit = settings.ETSATLAS["API_MAX_LIMIT"]
    limit = _int_param(request, "limit", min(100, max_limit), 1, max_limit)
    offset = _int_param(request, "offset", 0, 0, 10**9)
    fmt = request.GET.get("format", "")
    if fmt not in {"", "csv", "json"}:
        raise ApiError(400, "invalid_parameter", f"format: {fmt!r} is not one of csv, json", field="format")
    snap = snapshot()
    if _not_modified(request, snap):
        return _cached(request, HttpResponse(status=304), snap)
    if fmt == "csv":
        text = cached_body(request, lambda: to_csv(query.apply(snap.sheets)))
        response = HttpResponse(text, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="ets-systems.csv"'
        return _cached(request, response, snap)
    if fmt == "json":
        text = cached_body(request, lambda: to_json(query.apply(snap.sheets)))
        response = HttpResponse(text, content_type="application/json")
        response["Content-Disposition"] = 'attachment; filename="ets-systems.json"'
        return _cached(request, response, snap)

    def page_json() -> str:
        matches = query.apply(snap.sheets)
        body = {"count": len(matches), "limit": limit, "offset": offset,
                "results": [_summary(s, snap) for s in matches[offset : offset + limit]]}
        return json.dumps(body, ensure_ascii=False)

    return _cached(request, HttpResponse(cached_body(request, page_json), content_type="application/json"), snap)


@router.get("/systems/{system_id}", summary="One factsheet", response={200: dict})
def get_system(request: HttpRequest, system_id: str):
    snap = snapshot()
    sheet = snap.by_id.get(system_id)
    if sheet is None:
        raise ApiError(404, "not_found", f"no system with id {system_id!r}", field="system_id")
    if _not_modified(request, snap):
        return _cached(request, HttpResponse(status=304), snap)
    return _cached(request, JsonResponse(factsheet_to_data(sheet), json_dumps_params={"ensure_ascii": False}), snap)


@router.get("/schema/factsheet.json", summary="JSON Schema of a factsheet", response={200: dict})
def factsheet_schema(request: HttpRequest):
    return JsonResponse(factsheet_json_schema())
