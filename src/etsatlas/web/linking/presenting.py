"""An assessment prepared for reading: plain rows for the page, the HTML report and the PDF."""

from __future__ import annotations

import json
from typing import Any

from etsatlas.compat import Assessment
from etsatlas.compat.whatif import describe


def show(value: Any) -> str:
    """A factsheet value in words: unknown for None, lists joined, mappings as compact JSON."""
    if value is None or value == []:
        return "unknown"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return ", ".join(map(str, value))
    if isinstance(value, dict) and {"value", "currency", "date"} <= set(value):
        return f"{value['value']:g} {value['currency']} ({value['date']}, {value.get('basis', '')})"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def element_rows(result: Assessment) -> list[dict[str, Any]]:
    names = {s.id: s.display_name for s in result.sheets}
    numbers = {s.id: {str(src.url): n for n, src in enumerate(s.sources, 1)} for s in result.sheets}
    rows = []
    for element in result.elements:
        evidence = []
        for system_id, ev in element.evidence.items():
            items = [(label, show(value), label in ev.uncertain) for label, value in ev.values.items()]
            refs = [f"[{numbers[system_id][u]}]" for u in ev.sources if u in numbers[system_id]]
            evidence.append({"system": names[system_id], "id": system_id, "items": items, "sources": ev.sources, "refs": refs})
        rows.append({
            "key": element.key,
            "title": element.title,
            "status": element.status.value,
            "status_label": element.status.label,
            "detail": element.detail,
            "why": element.rule.why,
            "uncertain": element.uncertain,
            "options": element.rule.options,
            "evidence": evidence,
        })
    return rows


def context(result: Assessment, originals) -> dict[str, Any]:
    """Everything the templates and the PDF need, beside the assessment itself."""
    by_id = {s.id: s for s in originals}
    return {
        "result": result,
        "summary": result.summary(),
        "rows": element_rows(result),
        "edits": [describe(by_id, e) for e in result.edits],
        "systems": [{"id": s.id, "name": s.display_name, "as_of": s.as_of, "sources": s.sources} for s in result.sheets],
        "preview": result.preview,
        "checklist": result.checklist,
    }
