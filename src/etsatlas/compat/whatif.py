"""What-if edits: change a design element of one system and assess the copy.

An edit names a system, a dotted field path and a new value (`ca-cat`,
`price_management.floor.exists`, `false`). It applies to a copy of the factsheet, which is
validated again, so an edit can never produce a factsheet the schema would reject, and the
knowledge base is never touched.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from etsatlas.schema import Factsheet

from .evidence import plain, read

# The parameters offered by the what-if form, with the values they accept (None: free text/number).
EDITABLE: dict[str, tuple[str, tuple[str, ...] | None]] = {
    "cap.type": ("Cap type", ("absolute", "intensity", "none")),
    "price_management.floor.exists": ("Has a price floor", ("true", "false")),
    "price_management.floor.value": ("Price floor level", None),
    "price_management.floor.currency": ("Price floor currency", None),
    "price_management.ceiling.exists": ("Has a hard price ceiling", ("true", "false")),
    "price_management.ceiling.value": ("Price ceiling level", None),
    "price_management.ceiling.currency": ("Price ceiling currency", None),
    "price_management.cost_containment.exists": ("Has a cost-containment reserve", ("true", "false")),
    "price_management.stability_reserve.exists": ("Has a market stability reserve", ("true", "false")),
    "flexibility.offsets.allowed": ("Accepts offsets", ("true", "false")),
    "flexibility.offsets.limit_pct": ("Offset limit (% of obligation)", None),
    "flexibility.banking": ("Banking", ("allowed", "limited", "not_allowed")),
    "flexibility.borrowing": ("Borrowing", ("allowed", "limited", "not_allowed")),
    "compliance.period": ("Compliance period", None),
    "compliance.penalty.make_good": ("Penalty requires make-good", ("true", "false")),
}
# Parts that must exist before a field inside them can be set (schema-required keys).
REQUIRED_PARENT_KEYS = {
    "price_management.floor": {"exists": True},
    "price_management.ceiling": {"exists": True},
    "price_management.cost_containment": {"exists": True},
    "price_management.stability_reserve": {"exists": True},
    "price_management.emissions_containment": {"exists": True},
}

# Setting a level implies the instrument exists (a floor at 20 cannot be "no floor").
IMPLIED = {
    "price_management.floor.value": ("price_management.floor.exists", True),
    "price_management.ceiling.value": ("price_management.ceiling.exists", True),
    "price_management.emissions_containment.value": ("price_management.emissions_containment.exists", True),
    "price_management.cost_containment.tiers": ("price_management.cost_containment.exists", True),
    "flexibility.offsets.limit_pct": ("flexibility.offsets.allowed", True),
}


class WhatIfError(ValueError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Edit:
    system: str
    path: str
    value: Any

    @classmethod
    def parse(cls, text: str) -> Edit:
        """`system:path=value`, the value read as JSON when it parses (true, 8, null) else as text.

        >>> Edit.parse("ca-cat:flexibility.offsets.limit_pct=8")
        Edit(system='ca-cat', path='flexibility.offsets.limit_pct', value=8)
        """
        head, sep, raw = text.partition("=")
        system, colon, path = head.partition(":")
        if not sep or not colon or not system.strip() or not path.strip():
            raise WhatIfError(f"edit {text!r} is not of the form SYSTEM:FIELD=VALUE (e.g. ca-cat:flexibility.offsets.limit_pct=8)", "edit")
        try:
            value = json.loads(raw)
        except ValueError:
            value = raw
        return cls(system.strip(), path.strip(), value)

    def __str__(self) -> str:
        return f"{self.system}:{self.path}={json.dumps(self.value) if not isinstance(self.value, str) else self.value}"

    def as_dict(self) -> dict[str, Any]:
        return {"system": self.system, "field": self.path, "value": self.value}


def set_path(data: dict[str, Any], path: str, value: Any) -> None:
    """Set `value` at a dotted path of plain factsheet data, creating missing parts."""
    parts = path.split(".")
    node = data
    for depth, key in enumerate(parts[:-1]):
        prefix = ".".join(parts[: depth + 1])
        if not isinstance(node.get(key), dict):
            node[key] = dict(REQUIRED_PARENT_KEYS.get(prefix, {}))
        node = node[key]
    node[parts[-1]] = value


def apply_edits(sheets: Sequence[Factsheet], edits: Sequence[Edit]) -> list[Factsheet]:
    """Copies of `sheets` with the edits applied and validated; the originals are unchanged."""
    by_id = {s.id: s for s in sheets}
    data = {s.id: copy.deepcopy(s.model_dump(mode="json", exclude_none=True)) for s in sheets}
    for edit in edits:
        if edit.system not in by_id:
            raise WhatIfError(f"edit names {edit.system!r}, which is not among the systems assessed ({', '.join(by_id)})", "edit")
        set_path(data[edit.system], edit.path, edit.value)
        if edit.path in IMPLIED and edit.value not in (None, []):
            set_path(data[edit.system], *IMPLIED[edit.path])
    out = []
    for sheet in sheets:
        if not any(e.system == sheet.id for e in edits):
            out.append(sheet)
            continue
        try:
            out.append(Factsheet.model_validate(data[sheet.id]))
        except ValidationError as exc:
            err = exc.errors(include_url=False)[0]
            where = ".".join(str(p) for p in err["loc"] if not str(p).startswith(("Fact[", "function-")))
            raise WhatIfError(f"edit of {sheet.id} gives an invalid factsheet at {where}: {err['msg']}", "edit") from exc
    return out


def describe(sheets: Mapping[str, Factsheet], edit: Edit) -> str:
    """The edit in words, with the value it replaces."""
    before = plain(read(sheets[edit.system], edit.path).value) if edit.system in sheets else None
    label = EDITABLE.get(edit.path, (edit.path, None))[0]
    return f"{edit.system}: {label} {before if before is not None else 'unknown'} → {edit.value}"
