"""Pages of the knowledge base: home with the map, the filtered list, factsheets, comparison."""

from django.http import Http404
from django.shortcuts import render

from .store import snapshot


def home(request):
    snap = snapshot()
    return render(request, "atlas/home.html", {"sheets": snap.sheets})


def system_list(request):
    snap = snapshot()
    return render(request, "atlas/system_list.html", {"sheets": snap.sheets})


def system_detail(request, system_id: str):
    sheet = snapshot().by_id.get(system_id)
    if sheet is None:
        raise Http404(f"No system with id {system_id!r}")
    return render(request, "atlas/system_detail.html", {"sheet": sheet})


def compare(request):
    return render(request, "atlas/compare.html", {})
