"""The price explorer page and its downloads; the whole state lives in the URL."""

from __future__ import annotations

from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.http import urlencode

from etsatlas.prices import QueryError
from etsatlas.prices.explore import CURRENCIES, FREQUENCIES, MARKETS

from . import explorer
from .data import has_data

FORMATS = ("csv", "xlsx", "json")


def _params(request) -> dict:
    params = {key: request.GET.get(key, "") for key in ("market", "currency", "start", "end", "freq", "levels", "log")}
    params["systems"] = [p for v in request.GET.getlist("systems") for p in v.split(",") if p]
    return params


def explorer_page(request):
    if not has_data():
        return render(request, "prices/explorer.html", {"no_data": True})
    params = _params(request)
    context = {"params": params, "currencies": CURRENCIES, "frequencies": list(FREQUENCIES), "markets": MARKETS}
    names = explorer.system_names()
    context["systems"] = [(s, names.get(s, s)) for s in explorer.available_systems()]
    try:
        query = explorer.query_from_params(params, page=True)
    except QueryError as exc:
        context.update(error=exc.message, error_field=exc.field)
        return render(request, "prices/explorer.html", context, status=400)
    frame = explorer.table(query)
    shown = {**explorer.query_dict(query), "levels": "1" if params["levels"] else "", "log": "1" if params["log"] else ""}
    state = urlencode({k: ",".join(v) if isinstance(v, list) else (v or "") for k, v in shown.items() if v and v != "all"})
    context.update(
        query=query, selected=set(query.systems), chart={**explorer.chart(frame), "log": bool(params["log"])},
        summary=explorer.summary(query), rows=len(frame), state=state,
        downloads=[(fmt.upper(), f"download.{fmt}?{state}") for fmt in FORMATS],
    )
    return render(request, "prices/explorer.html", context)


def download(request, fmt: str):
    if fmt not in FORMATS:
        raise Http404(f"no download format {fmt!r}; use one of {', '.join(FORMATS)}")
    try:
        query = explorer.query_from_params(_params(request), page=True)
    except QueryError as exc:
        return HttpResponseBadRequest(f"{exc.field}: {exc.message}", content_type="text/plain")
    content, content_type = explorer.export(explorer.table(query), fmt, query)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="etsatlas-prices.{fmt}"'
    return response
