"""The partnership's directory (map, lists, counts over time) and its About page."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, Prefetch
from django.shortcuts import render

from .loading import founding
from .models import STATUSES, CountRecord, Member, StatusChange


def system_names() -> dict[str, str]:
    from etsatlas.web.library.search.documents import system_names as names

    return names()


def members_with_history():
    return Member.objects.prefetch_related(Prefetch("history", queryset=StatusChange.objects.order_by("id")))


def status_counts() -> dict[str, int]:
    rows = dict(Member.objects.order_by().values_list("status").annotate(n=Count("id")))
    return {status: rows.get(status, 0) for status in STATUSES}


def chart_data(counts: dict[str, int]) -> dict:
    """Published counts over time, plus the directory's own count at its latest recorded change."""
    records = list(CountRecord.objects.all())
    latest = StatusChange.objects.order_by().values_list("date", "as_of")
    latest_date = max((d or a for d, a in latest if d or a), default=None)
    return {
        "records": [
            {"date": r.date.isoformat(), "label": r.display_date, "members": r.members, "observers": r.observers,
             "total": r.total, "note": r.note, "source": r.source}
            for r in records
        ],
        "directory": {"date": latest_date.isoformat() if latest_date else None, "members": counts["member"],
                      "observers": counts["observer"], "total": counts["member"] + counts["observer"]},
    }


def directory(request):
    members = list(members_with_history())
    names = system_names()
    counts = status_counts()
    groups = [(status, label, [m for m in members if m.status == status]) for status, label in STATUSES.items()]
    map_points = [
        {"id": m.id, "name": m.name, "status": m.status, "lon": m.longitude, "lat": m.latitude}
        for m in members if m.longitude is not None and m.status in {"member", "observer"}
    ]
    data = {
        "map": map_points, "chart": chart_data(counts),
        "topojson_url": f"{settings.STATIC_URL}vendor/topojson/",
    }
    return render(request, "partnership/directory.html", {
        "groups": groups, "counts": counts, "names": names, "data": data,
        "records": data["chart"]["records"], "founded": founding(),
    })


def about(request):
    return render(request, "partnership/about.html", {"founded": founding(), "counts": status_counts()})
