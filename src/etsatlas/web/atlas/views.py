"""Pages of the knowledge base: home with the map, the filtered list, factsheets, comparison."""

from __future__ import annotations

from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import condition

from etsatlas import geo, headlines
from etsatlas.schema import Status

from .caching import cached_response
from .comparison import MAX_SYSTEMS, MIN_SYSTEMS, compare_rows
from .filters import FILTERS, SORTS, FilterError, parse_query
from .store import snapshot


def _etag(request, *args, **kwargs):
    # Pages depend on the data and on the user (navigation shows the account).
    user = request.user.pk if request.user.is_authenticated else "anon"
    return f'{snapshot().etag[:-1]}-{user}"'


def _map_data(sheets) -> dict:
    return {
        "places": [p.as_dict() for p in geo.places(sheets)],
        "statuses": [{"value": s.value, "label": s.label} for s in Status],
        "systemUrl": reverse("atlas:system", args=["__id__"]),
    }


@condition(etag_func=_etag)
@cached_response
def home(request):
    snap = snapshot()
    sheets = snap.sheets
    recent = sorted(sheets, key=lambda s: snap.updated.get(s.id) or s.as_of, reverse=True)[:6]
    context = {
        "sheets": sheets,
        "counts": headlines.status_counts(sheets),
        "statuses": list(Status),
        "covered": headlines.covered_share(sheets),
        "icap_headline": headlines.world()["icap_status_report_headlines"][0],
        "recent": [(s, snap.updated.get(s.id)) for s in recent],
        "map_data": _map_data(sheets),
    }
    return render(request, "atlas/home.html", context)


@condition(etag_func=_etag)
@cached_response
def system_list(request):
    snap = snapshot()
    try:
        query = parse_query({k: request.GET.getlist(k) for k in request.GET})
    except FilterError as exc:
        return render(request, "atlas/system_list.html", {"error": exc, "filters": FILTERS, "sorts": SORTS,
                                                          "query": None, "sheets": []}, status=400)
    sheets = query.apply(snap.sheets)
    context = {
        "query": query,
        "filters": FILTERS,
        "sorts": SORTS,
        "sheets": sheets,
        "total": len(snap.sheets),
        "map_data": _map_data(sheets),
        "api_query": request.GET.urlencode(),
    }
    return render(request, "atlas/system_list.html", context)


@condition(etag_func=_etag)
@cached_response
def system_detail(request, system_id: str):
    snap = snapshot()
    sheet = snap.by_id.get(system_id)
    if sheet is None:
        raise Http404(f"No system with id {system_id!r}")
    partners = {link.partner: snap.by_id.get(link.partner) for link in sheet.links}
    context = {
        "sheet": sheet,
        "partners": partners,
        "updated": snap.updated.get(sheet.id),
        "map_data": _map_data([sheet]),
    }
    return render(request, "atlas/system_detail.html", context)


@cached_response
def compare(request):
    snap = snapshot()
    raw = [i for item in request.GET.getlist("systems") for i in item.split(",") if i.strip()]
    ids = list(dict.fromkeys(i.strip() for i in raw))
    unknown = [i for i in ids if i not in snap.by_id]
    context = {"all_sheets": snap.sheets, "selected_ids": ids, "min": MIN_SYSTEMS, "max": MAX_SYSTEMS}
    if unknown:
        context["error"] = f"Unknown system id(s): {', '.join(unknown)}."
        return render(request, "atlas/compare.html", context, status=404)
    if len(ids) > MAX_SYSTEMS:
        context["error"] = f"Compare at most {MAX_SYSTEMS} systems at a time; you chose {len(ids)}."
        return HttpResponseBadRequest(render(request, "atlas/compare.html", context).content)
    sheets = [snap.by_id[i] for i in ids]
    try:
        context["linking_url"] = reverse("linking:compatibility")
    except NoReverseMatch:
        context["linking_url"] = None
    if len(sheets) >= MIN_SYSTEMS:
        context["sheets"] = sheets
        context["sections"] = compare_rows(sheets)
        context["systems_param"] = ",".join(ids)
    return render(request, "atlas/compare.html", context)
