"""Running the rules on a group of systems: elements, overall readiness and the checklist.

`assess(sheets)` is the whole engine: pure Python over validated factsheets, so the same
result reaches the web page, the API, the command line and the reports.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from etsatlas.schema import Factsheet

from . import checklist
from .evidence import Evidence, read, sources_for
from .preview import Preview, Simulate, preview
from .rules import RULES, Context, Rule
from .rules.governance import all_linked, linked_pairs
from .status import Status, worst

MIN_SYSTEMS, MAX_SYSTEMS = 2, 6
UNCERTAIN_NOTE = "Some evidence is uncertain (no source fully confirmed it): confirm it before relying on this status."


class AssessmentError(ValueError):
    """The systems asked for cannot be assessed together (too few, too many, repeated)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class ElementResult:
    rule: Rule
    status: Status
    detail: str
    evidence: Mapping[str, Evidence]

    @property
    def key(self) -> str:
        return self.rule.key

    @property
    def title(self) -> str:
        return self.rule.title

    @property
    def uncertain(self) -> bool:
        return any(e.is_uncertain for e in self.evidence.values())

    @property
    def why(self) -> str:
        """What the data show, why it matters in a linked market, and any uncertainty."""
        note = f" {UNCERTAIN_NOTE}" if self.uncertain and self.status != Status.NOT_ENOUGH_DATA else ""
        return f"{self.detail} {self.rule.why}{note}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "element": self.key,
            "status": self.status.value,
            "evidence": {i: e.as_dict() for i, e in self.evidence.items()},
            "why": self.why,
            "options": list(self.rule.options),
        }


@dataclass(frozen=True)
class Assessment:
    sheets: Sequence[Factsheet]
    elements: Sequence[ElementResult]
    overall: Status
    preview: Preview
    checklist: list[dict[str, Any]]
    edits: Sequence[Any] = field(default_factory=tuple)

    @property
    def systems(self) -> list[str]:
        return [s.id for s in self.sheets]

    def counts(self) -> dict[str, int]:
        return {s.value: sum(1 for e in self.elements if e.status == s) for s in Status}

    def summary(self) -> str:
        counts = self.counts()
        parts = [f"{counts[s.value]} {s.label.lower()}" for s in Status if counts[s.value]]
        return f"Overall: {self.overall.label.lower()} ({', '.join(parts)} of {len(self.elements)} elements)."

    def as_dict(self) -> dict[str, Any]:
        """The published JSON shape: systems, overall, elements and checklist."""
        return {
            "systems": self.systems,
            "overall": self.overall.value,
            "elements": [e.as_dict() for e in self.elements],
            "checklist": self.checklist,
        }


def evaluate(rule: Rule, ctx: Context) -> ElementResult:
    finding = rule.check(ctx)
    evidence = {}
    for sheet in ctx.sheets:
        ev = Evidence(sources=sources_for(sheet, rule.sections))
        for path in rule.evidence_fields:
            ev.add(read(sheet, path))
        for label, value in finding.derived.get(sheet.id, {}).items():
            ev.values[label] = value
            if isinstance(value, dict) and value.get("uncertain"):
                ev.uncertain.append(label)
        evidence[sheet.id] = ev
    return ElementResult(rule, finding.status, finding.detail, evidence)


def missing(element: ElementResult) -> str:
    """The fields an element read that are unknown, per system ("qc-cat: flexibility.banking")."""
    parts = []
    for system_id, ev in element.evidence.items():
        unknown = [path for path in element.rule.fields if path in ev.values and ev.values[path] is None]
        if unknown:
            parts.append(f"{system_id}: {', '.join(unknown)}")
    return "; ".join(parts)


def check_selection(sheets: Sequence[Factsheet]) -> None:
    ids = [s.id for s in sheets]
    if len(ids) < MIN_SYSTEMS:
        raise AssessmentError("too_few_systems", f"give at least {MIN_SYSTEMS} systems to assess a link (got {len(ids)})")
    if len(ids) > MAX_SYSTEMS:
        raise AssessmentError("too_many_systems", f"give at most {MAX_SYSTEMS} systems (got {len(ids)})")
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise AssessmentError("repeated_system", f"each system may be given once (repeated: {', '.join(repeated)})")


def assess(
    sheets: Sequence[Factsheet],
    *,
    fx: Mapping[str, float] | None = None,
    fx_source: str = "given by the caller",
    simulate: Simulate | None = None,
    rules: Sequence[Rule] = RULES,
    edits: Sequence[Any] = (),
) -> Assessment:
    """Assess a link between 2 to 6 systems, element by element.

    `fx` gives each currency's value in any one common currency, used to compare prices and
    price levels (`fx_source` says where the rates come from); without it, cross-currency
    comparisons report not enough data.
    """
    check_selection(sheets)
    ctx = Context(sheets=list(sheets), fx=dict(fx or {}), fx_source=fx_source)
    elements = [evaluate(rule, ctx) for rule in rules]
    overall = worst(e.status for e in elements)
    economic = preview(ctx.sheets, ctx.fx, simulate)
    since = ", ".join(sorted(set(linked_pairs(ctx).values()))) if all_linked(ctx) else None
    views = {e.key: checklist.ElementView(e.key, e.title, e.status, e.rule.options[0], missing(e)) for e in elements}
    return Assessment(
        sheets=ctx.sheets,
        elements=elements,
        overall=overall,
        preview=economic,
        checklist=checklist.build(views, overall, economic, since),
        edits=tuple(edits),
    )
