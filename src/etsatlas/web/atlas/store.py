"""Read access to the published factsheets, parsed once and cached until the data change.

A cheap query (row count and latest update) tells whether the cache is still current, so
every process sees edits immediately without re-validating 60+ documents per request.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass

from django.db.models import Count, Max, Sum

from etsatlas.schema import Factsheet

from .models import System


@dataclass(frozen=True)
class Snapshot:
    key: tuple
    sheets: tuple[Factsheet, ...]
    by_id: dict[str, Factsheet]
    updated: dict[str, dt.datetime]
    last_modified: dt.datetime | None

    @property
    def etag(self) -> str:
        count, latest, versions = self.key
        return f'W/"systems-{count}-{versions}-{latest.timestamp() if latest else 0:.6f}"'


_lock = threading.Lock()
_snapshot: Snapshot | None = None


def _current_key() -> tuple:
    agg = System.objects.aggregate(n=Count("id"), latest=Max("updated_at"), versions=Sum("version"))
    return (agg["n"], agg["latest"], agg["versions"] or 0)


def snapshot() -> Snapshot:
    """The published factsheets, re-read only when the table changed."""
    global _snapshot
    key = _current_key()
    current = _snapshot
    if current is not None and current.key == key:
        return current
    with _lock:
        rows = list(System.objects.only("id", "data", "updated_at").order_by("id"))
        sheets = tuple(Factsheet.model_validate(r.data) for r in rows)
        sheets = tuple(sorted(sheets, key=lambda s: s.display_name.lower()))
        _snapshot = Snapshot(
            key=key,
            sheets=sheets,
            by_id={s.id: s for s in sheets},
            updated={r.id: r.updated_at for r in rows},
            last_modified=key[1],
        )
        return _snapshot
