"""What a rule is: data (title, fields read, reasoning, options) plus one small check function.

A check receives a `Context` (the factsheets being assessed and, optionally, exchange rates)
and returns a `Finding`: a status and a sentence saying what in the data led to it. It never
guesses: when a value it needs is unknown it answers `not_enough_data`, unless the values it
does know already settle the question (two known cap types that clash are a barrier whatever
a third system says).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from etsatlas.schema import Factsheet, Section

from ..evidence import Reading, read
from ..status import Status


@dataclass(frozen=True)
class Context:
    """The systems under assessment, in the order asked, and what else a rule may use."""

    sheets: Sequence[Factsheet]
    # Value of one unit of each currency in a common currency (any: only ratios are used).
    fx: Mapping[str, float] = field(default_factory=dict)
    fx_source: str = "given by the caller"

    @property
    def ids(self) -> list[str]:
        return [s.id for s in self.sheets]

    def read(self, path: str) -> dict[str, Reading]:
        return {s.id: read(s, path) for s in self.sheets}

    def values(self, path: str) -> dict[str, Any]:
        return {s.id: read(s, path).value for s in self.sheets}

    def convert(self, amount: float, currency: str | None, to: str | None) -> float | None:
        """`amount` in `to`, or None when a rate is missing."""
        if currency == to:
            return amount
        if currency is None or to is None or currency not in self.fx or to not in self.fx:
            return None
        return amount * self.fx[currency] / self.fx[to]


@dataclass(frozen=True)
class Finding:
    status: Status
    detail: str
    # Values the rule derived (e.g. the latest price), shown beside the fields it read.
    derived: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class Rule:
    """One design element of a link: what it reads, why it matters, and how to check it."""

    key: str
    title: str
    fields: tuple[str, ...]
    sections: tuple[Section, ...]
    why: str
    options: tuple[str, ...]
    check: Callable[[Context], Finding]
    # Fields shown as evidence when `fields` holds bulky lists the check summarises (default: all).
    shown: tuple[str, ...] | None = None

    @property
    def evidence_fields(self) -> tuple[str, ...]:
        return self.fields if self.shown is None else self.shown

    @property
    def reasoning(self) -> str:
        """How the status is decided: the check function's docstring."""
        return " ".join((self.check.__doc__ or "").split())


def names(ctx: Context, ids: Sequence[str]) -> str:
    """Display names of systems, joined for a sentence."""
    by_id = {s.id: s.display_name for s in ctx.sheets}
    labels = [by_id.get(i, i) for i in ids]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


def sentence(parts: Sequence[str]) -> str:
    """Clauses joined into one sentence, its first letter capitalised."""
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] + "."


def verb(ids: Sequence[str], singular: str, plural: str) -> str:
    """The verb form agreeing with a list of systems as subject."""
    return singular if len(ids) == 1 else plural


def unknown(ctx: Context, readings: Mapping[str, Reading], what: str) -> Finding | None:
    """A not-enough-data finding when any system's reading is unknown, else None."""
    missing = [i for i, r in readings.items() if not r.known]
    if missing:
        return Finding(Status.NOT_ENOUGH_DATA, f"{what} is unknown for {names(ctx, missing)}.")
    return None


def compare_same(ctx: Context, path: str, what: str, differ: Status = Status.NEEDS_ALIGNMENT) -> Finding:
    """Aligned when every system has the same known value at `path`, `differ` when values differ."""
    readings = ctx.read(path)
    known = {i: r.value for i, r in readings.items() if r.known}
    if len(set(map(str, known.values()))) > 1:
        listing = "; ".join(f"{names(ctx, [i])}: {str(v).replace('_', ' ')}" for i, v in known.items())
        return Finding(differ, f"{what} differs ({listing}).")
    return unknown(ctx, readings, what) or Finding(Status.ALIGNED, f"{what} is the same in every system.")
