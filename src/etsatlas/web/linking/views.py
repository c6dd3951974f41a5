"""The compatibility page, its what-if form and the HTML and PDF reports."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe

from etsatlas.compat import EDITABLE, MAX_SYSTEMS, MIN_SYSTEMS

from ..atlas.store import snapshot
from . import charts
from .presenting import context
from .selection import SelectionError, select


def query_of(ids: list[str], edits: list[str], fx: str = "") -> str:
    params: list[tuple[str, str]] = [("systems", ",".join(ids))] + [("edit", e) for e in edits]
    if fx:
        params.append(("fx", fx))
    return urlencode(params)


def assessed(request):
    """(selection, page context) for the request, or raise SelectionError."""
    selection = select(request.GET.getlist("systems"), request.GET.getlist("edit"), request.GET.getlist("fx"))
    result = selection.assess()
    ctx = context(result, selection.originals)
    ctx.update({
        "status_chart": mark_safe(charts.status_chart(result)),  # built from escaped text only
        "price_chart": mark_safe(charts.price_chart(result)),
        "query": query_of(selection.ids, [str(e) for e in selection.edits], ",".join(request.GET.getlist("fx"))),
    })
    return selection, ctx


def compatibility(request):
    """Pick 2 to 6 systems and read their link assessment; apply what-if edits."""
    if request.GET.get("wi_field"):
        return add_edit(request)
    page = {
        "all_systems": snapshot().sheets,
        "editable": [(path, label, choices) for path, (label, choices) in EDITABLE.items()],
        "min_systems": MIN_SYSTEMS,
        "max_systems": MAX_SYSTEMS,
    }
    if not request.GET.getlist("systems"):
        return render(request, "linking/compatibility.html", page)
    try:
        selection, ctx = assessed(request)
    except SelectionError as exc:
        page["error"] = exc.message
        return render(request, "linking/compatibility.html", page, status=exc.status)
    page.update(ctx)
    page["selected"] = selection.ids
    page["edit_texts"] = [str(e) for e in selection.edits]
    return render(request, "linking/compatibility.html", page)


def add_edit(request):
    """The what-if form: turn system, field and value into one more `edit` and reload."""
    edits = request.GET.getlist("edit")
    value = request.GET.get("wi_value", "").strip()
    edits.append(f"{request.GET.get('wi_system', '')}:{request.GET['wi_field']}={value or 'null'}")
    ids = [i for v in request.GET.getlist("systems") for i in v.split(",") if i]
    return redirect(f"{reverse('linking:compatibility')}?{query_of(ids, edits, ','.join(request.GET.getlist('fx')))}")


def report_html(request):
    """The assessment as one self-contained HTML file (styles and charts inline)."""
    try:
        _, ctx = assessed(request)
    except SelectionError as exc:
        return HttpResponse(exc.message, status=exc.status, content_type="text/plain; charset=utf-8")
    response = render(request, "linking/report.html", ctx)
    response["Content-Disposition"] = f'inline; filename="{filename(ctx)}.html"'
    return response


def report_pdf(request):
    """The assessment as a PDF report with charts and sources."""
    from .pdf import build_pdf

    try:
        _, ctx = assessed(request)
    except SelectionError as exc:
        return HttpResponse(exc.message, status=exc.status, content_type="text/plain; charset=utf-8")
    response = HttpResponse(build_pdf(ctx), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename(ctx)}.pdf"'
    return response


def filename(ctx) -> str:
    return "compatibility-" + "-".join(s["id"] for s in ctx["systems"])
