"""The simulator page: pick systems, adjust, run, compare autarky with the linked market."""

from __future__ import annotations

from importlib import resources

import yaml
from django.shortcuts import render

from ..atlas.store import snapshot


def _example() -> dict:
    text = resources.files("etsatlas.market").joinpath("examples/two_systems.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def simulate(request):
    systems = [{"id": s.id, "name": s.display_name} for s in snapshot().sheets]
    return render(request, "analysis/simulate.html", {"page_data": {"systems": systems, "example": _example()}})
