"""The seed pipeline: each area registers a seeder; `etsatlas seed` runs them in order.

An area adds itself with `@seeder("name")` in its own module (imported by its AppConfig).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

SEEDERS: dict[str, Callable[..., dict[str, Any]]] = {}


def seeder(name: str):
    def register(func: Callable[..., dict[str, Any]]):
        SEEDERS[name] = func
        return func

    return register


def run_seeders(sheets: Sequence[Any] | None = None, progress=None) -> dict[str, dict[str, Any]]:
    from etsatlas.web.atlas.seeding import seed_systems

    reports = {"systems": seed_systems(sheets, progress=progress).as_dict()}
    for name, func in SEEDERS.items():
        reports[name] = func()
    return reports
