"""Field-level differences between two factsheet documents (plain JSON data).

Paths read like the schema: `cap.values[0].value.value`, `scope.gases[2]`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Change:
    path: str
    old: Any
    new: Any

    @property
    def kind(self) -> str:
        if self.old is None:
            return "added"
        if self.new is None:
            return "removed"
        return "changed"

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "kind": self.kind, "old": self.old, "new": self.new}


def flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    """Leaf values by path; empty containers count as leaves so their appearance shows."""
    if isinstance(data, dict) and data:
        out: dict[str, Any] = {}
        for key, value in data.items():
            out.update(flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(data, list) and data:
        out = {}
        for i, value in enumerate(data):
            out.update(flatten(value, f"{prefix}[{i}]"))
        return out
    return {prefix or "(document)": data}


def diff(old: dict[str, Any] | None, new: dict[str, Any] | None) -> list[Change]:
    """Every leaf that differs, in document order of the newer version first."""
    a, b = (flatten(old) if old else {}), (flatten(new) if new else {})
    paths = list(b) + [p for p in a if p not in b]
    return [Change(p, a.get(p), b.get(p)) for p in paths if a.get(p) != b.get(p)]
