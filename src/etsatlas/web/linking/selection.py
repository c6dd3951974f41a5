"""From request parameters to the factsheets to assess: ids, what-if edits and exchange rates.

Shared by the page, the API, the reports and the command line, so every interface accepts the
same input and refuses it with the same messages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from etsatlas.compat import (
    MAX_SYSTEMS,
    MIN_SYSTEMS,
    Assessment,
    Edit,
    WhatIfError,
    apply_edits,
    assess,
)
from etsatlas.compat.simulation import market_step
from etsatlas.schema import Factsheet

from ..atlas.store import snapshot
from .rates import rates_for


class SelectionError(ValueError):
    """Input that cannot be assessed; `status` is the HTTP status to answer with."""

    def __init__(self, status: int, code: str, message: str, field: str):
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field


@dataclass(frozen=True)
class Selection:
    ids: list[str]
    originals: list[Factsheet]
    sheets: list[Factsheet]
    edits: list[Edit] = field(default_factory=list)
    fx: dict[str, float] = field(default_factory=dict)

    def assess(self) -> Assessment:
        rates, source = rates_for(self.fx)
        return assess(self.sheets, fx=rates, fx_source=source, simulate=market_step(), edits=self.edits)


def split_ids(values: Sequence[str]) -> list[str]:
    """Ids from `systems=a,b` and/or repeated `systems=a&systems=b`, in order, blanks dropped."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def parse_fx(values: Sequence[str]) -> dict[str, float]:
    """Rates as `EUR:1,GBP:1.17`: each currency's value in one common currency."""
    rates: dict[str, float] = {}
    for item in split_ids(values):
        code, _, raw = item.partition(":")
        try:
            rate = float(raw)
        except ValueError:
            rate = -1.0
        if len(code) != 3 or not code.isalpha() or rate <= 0:
            raise SelectionError(400, "invalid_parameter", f"exchange rate {item!r} is not of the form CUR:RATE with a positive rate (e.g. GBP:1.17)", "fx")
        rates[code.upper()] = rate
    return rates


def select(ids: Sequence[str], edit_texts: Sequence[str] = (), fx: Sequence[str] = ()) -> Selection:
    """Resolve ids against the knowledge base and apply what-if edits; raise SelectionError."""
    ids = split_ids(ids)
    if len(ids) < MIN_SYSTEMS:
        raise SelectionError(400, "too_few_systems", f"give at least {MIN_SYSTEMS} system ids, e.g. systems=ca-cat,qc-cat (got {len(ids)})", "systems")
    if len(ids) > MAX_SYSTEMS:
        raise SelectionError(400, "too_many_systems", f"give at most {MAX_SYSTEMS} system ids (got {len(ids)})", "systems")
    if len(set(ids)) != len(ids):
        raise SelectionError(400, "repeated_system", "each system id may be given once", "systems")
    by_id = snapshot().by_id
    unknown = [i for i in ids if i not in by_id]
    if unknown:
        raise SelectionError(404, "not_found", f"no system with id {', '.join(map(repr, unknown))}", "systems")
    originals = [by_id[i] for i in ids]
    try:
        edits = [Edit.parse(text) for text in edit_texts if text.strip()]
        sheets = apply_edits(originals, edits)
    except WhatIfError as exc:
        raise SelectionError(400, "invalid_edit", str(exc), "edit") from exc
    return Selection(ids, originals, sheets, edits, parse_fx(fx))
