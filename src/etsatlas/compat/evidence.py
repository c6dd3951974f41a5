"""Reading factsheet fields into evidence: the value, whether it is uncertain, and its sources.

Fields are named by dotted paths into the factsheet (`flexibility.offsets.limit_pct`). A
missing part anywhere on the path reads as unknown (None); a `Fact` gives its value and its
`uncertain` flag; enums give their code; lists of sectors or gases give their codes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from pydantic import BaseModel

from etsatlas.schema import Fact, Factsheet, Section


@dataclass(frozen=True)
class Reading:
    """One field of one factsheet: its plain value (None when unknown) and uncertainty."""

    path: str
    value: Any
    uncertain: bool = False
    note: str | None = None

    @property
    def known(self) -> bool:
        return self.value is not None and self.value != []


def plain(value: Any) -> Any:
    """A JSON-compatible copy of a factsheet value."""
    if isinstance(value, Fact):
        return plain(value.value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, BaseModel):
        if hasattr(value, "sector"):
            return value.sector.value
        return value.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def read(sheet: Factsheet, path: str) -> Reading:
    """The value at `path` in `sheet`; unknown when any part of the path is absent."""
    obj: Any = sheet
    parent: Any = None
    name = path
    for name in path.split("."):
        if obj is None:
            return Reading(path, None)
        parent, obj = obj, getattr(obj, name)
    uncertain = bool(getattr(parent, f"{name}_uncertain", False))
    note = None
    if isinstance(obj, Fact):
        uncertain = uncertain or obj.uncertain
        note = obj.note
    value = plain(obj)
    return Reading(path, None if value == [] else value, uncertain and value is not None, note)


@dataclass
class Evidence:
    """What one system's factsheet says about an element, with the sources to check it."""

    values: dict[str, Any] = field(default_factory=dict)
    uncertain: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    def add(self, reading: Reading) -> None:
        self.values[reading.path] = reading.value
        if reading.uncertain and reading.path not in self.uncertain:
            self.uncertain.append(reading.path)

    @property
    def is_uncertain(self) -> bool:
        return bool(self.uncertain)

    def as_dict(self) -> dict[str, Any]:
        return {"values": self.values, "uncertain": self.uncertain, "sources": self.sources}


def sources_for(sheet: Factsheet, sections: tuple[Section, ...]) -> list[str]:
    """Source addresses supporting any of `sections` (the general sources when none is specific)."""
    urls: list[str] = []
    for section in sections or (Section.IDENTITY,):
        for source in sheet.sources_for(section):
            url = str(source.url)
            if url not in urls:
                urls.append(url)
    return urls
