"""Consistency checks across factsheets: one small function per kind of problem.

Each check returns the problems it finds; the loader treats every one as an error, and
`etsatlas check` lists them all. Codes (atlas.E001...) are stable and start each docstring.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

from .factsheet import Factsheet
from .loading import Problem
from .vocab import LinkType, Status

Check = Callable[[Sequence[Factsheet]], list[Problem]]
CHECKS: list[Check] = []


def check(func: Check) -> Check:
    CHECKS.append(func)
    return func


def _file(sheet: Factsheet) -> str:
    return f"systems/{sheet.id}.yaml"


@check
def unique_ids(sheets: Sequence[Factsheet]) -> list[Problem]:
    """atlas.E001: two factsheets share an id."""
    counts = Counter(s.id for s in sheets)
    return [
        Problem(_file(s), None, s.id, "id", f"id used by {counts[s.id]} factsheets", "atlas.E001")
        for s in sheets
        if counts[s.id] > 1
    ]


@check
def link_partners_exist(sheets: Sequence[Factsheet]) -> list[Problem]:
    """atlas.E002: an operating link points to a system without a factsheet."""
    ids = {s.id for s in sheets}
    problems = []
    for s in sheets:
        for i, link in enumerate(s.links):
            if link.type in {LinkType.TWO_WAY, LinkType.ONE_WAY, LinkType.RESTRICTED} and link.partner not in ids:
                problems.append(
                    Problem(_file(s), None, s.id, f"links[{i}].partner", f"unknown system {link.partner!r}", "atlas.E002")
                )
    return problems


@check
def abolished_have_end(sheets: Sequence[Factsheet]) -> list[Problem]:
    """atlas.E003: only abolished systems may carry an end year in the past."""
    problems = []
    for s in sheets:
        end = s.status.end_year
        if end and end.value and s.status.current is Status.IN_FORCE and end.value < s.as_of.year:
            problems.append(
                Problem(_file(s), None, s.id, "status.end_year", f"in force but ended in {end.value}", "atlas.E003")
            )
    return problems


@check
def sources_not_after_as_of(sheets: Sequence[Factsheet]) -> list[Problem]:
    """atlas.E004: a source consulted after the factsheet's own as-of date."""
    return [
        Problem(_file(s), None, s.id, f"sources[{i}].as_of", f"{src.as_of} is after the factsheet as_of {s.as_of}", "atlas.E004")
        for s in sheets
        for i, src in enumerate(s.sources)
        if src.as_of > s.as_of
    ]


def run_checks(sheets: Sequence[Factsheet]) -> list[Problem]:
    problems: list[Problem] = []
    for func in CHECKS:
        problems.extend(func(sheets))
    return problems
