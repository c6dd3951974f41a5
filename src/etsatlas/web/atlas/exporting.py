"""Exports of the factsheets: JSON and YAML (whole documents, re-loadable) and CSV (one row each)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

import yaml

from etsatlas.schema import Factsheet
from etsatlas.schema.fact import fact_value
from etsatlas.schema.loading import factsheet_to_data

from .filters import PRICE_MECHANISMS, is_linked
from .store import snapshot


def _fact(fact) -> str:
    value = fact_value(fact)
    if value is None:
        return ""
    value = getattr(value, "value", value)
    return f"{value}?" if fact.uncertain else str(value)


CSV_COLUMNS: list[tuple[str, object]] = [
    ("id", lambda s: s.id),
    ("name", lambda s: s.name),
    ("short_name", lambda s: s.short_name or ""),
    ("jurisdictions", lambda s: "; ".join(s.jurisdictions)),
    ("level", lambda s: s.level.value),
    ("region", lambda s: s.region.value),
    ("mechanism", lambda s: _fact(s.mechanism)),
    ("status", lambda s: s.status.current.value),
    ("start_year", lambda s: _fact(s.status.start_year)),
    ("end_year", lambda s: _fact(s.status.end_year)),
    ("sectors", lambda s: "; ".join(c.sector.value for c in s.scope.sectors)),
    ("gases", lambda s: "; ".join(g.value for g in s.scope.gases)),
    ("coverage_share_pct", lambda s: _fact(s.scope.coverage_share_pct)),
    ("price_mechanisms", lambda s: "; ".join(k for k, (_, test) in PRICE_MECHANISMS.items() if test(s))),
    ("linked", lambda s: str(is_linked(s)).lower()),
    ("links", lambda s: "; ".join(f"{link.partner}:{link.type.value}" for link in s.links)),
    ("as_of", lambda s: s.as_of.isoformat()),
    ("sources", lambda s: " ".join(str(src.url) for src in s.sources)),
]
CSV_NOTE = "A trailing '?' marks an uncertain value; an empty cell is unknown."


def to_csv(sheets: Sequence[Factsheet]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([name for name, _ in CSV_COLUMNS])
    for sheet in sheets:
        writer.writerow([getter(sheet) for _, getter in CSV_COLUMNS])
    return buf.getvalue()


def to_json(sheets: Sequence[Factsheet]) -> str:
    return json.dumps([factsheet_to_data(s) for s in sheets], ensure_ascii=False, indent=2) + "\n"


def to_yaml(sheets: Sequence[Factsheet]) -> str:
    return yaml.safe_dump([factsheet_to_data(s) for s in sheets], sort_keys=False, allow_unicode=True, width=100)


def export_text(fmt: str, sheets: Sequence[Factsheet] | None = None) -> str:
    sheets = list(snapshot().sheets) if sheets is None else sheets
    return {"csv": to_csv, "json": to_json, "yaml": to_yaml}[fmt](sheets)
