"""Reading `data/partnership.yaml`: members with their history, and published counts over time."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from django.utils.text import slugify
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from etsatlas.web.library.dates import parse_partial_date
from etsatlas.web.library.loading import SeedError

from .models import LEVELS, STATUSES

DATA_FILE = Path(__file__).resolve().parents[2] / "data" / "partnership.yaml"


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ChangeEntry(_Entry):
    status: str
    date: dt.date | int | str | None = None
    as_of: dt.date | None = None
    note: str = ""
    source: str = ""

    @field_validator("status")
    @classmethod
    def _status(cls, v: str) -> str:
        if v not in STATUSES:
            raise ValueError(f"unknown status {v!r}; allowed: {', '.join(STATUSES)}")
        return v

    @field_validator("date")
    @classmethod
    def _date(cls, v):
        parse_partial_date(v)
        return v


class MemberEntry(_Entry):
    name: str
    level: str
    country: str = ""
    systems: list[str] = []
    position: tuple[float, float] | None = None
    history: list[ChangeEntry]

    @field_validator("level")
    @classmethod
    def _level(cls, v: str) -> str:
        if v not in LEVELS:
            raise ValueError(f"unknown level {v!r}; allowed: {', '.join(LEVELS)}")
        return v

    @property
    def id(self) -> str:
        return slugify(self.name)


class CountEntry(_Entry):
    date: dt.date | int | str
    members: int | None = None
    observers: int | None = None
    members_and_observers: int | None = None
    note: str = ""
    source: str


class Founding(_Entry):
    date: dt.date
    place: str
    note: str
    sources: list[str]


class PartnershipSeed(_Entry):
    as_of: dt.date
    source: str
    founded: Founding
    membership_rules_sources: list[str]
    members: list[MemberEntry]
    counts: list[CountEntry]


def load_partnership(path: Path = DATA_FILE) -> PartnershipSeed:
    try:
        raw: Any = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise SeedError(f"{path}: cannot read: {exc}") from exc
    raw = {k: v for k, v in raw.items() if not k.startswith("_")}  # YAML anchors for shared histories
    try:
        seed = PartnershipSeed.model_validate(raw)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            loc = list(err["loc"])
            where = ".".join(str(p) for p in loc)
            if loc[:1] == ["members"] and len(loc) > 1 and isinstance(loc[1], int):
                where = f"members[{loc[1]}] ({raw['members'][loc[1]].get('name', '?')}) field {'.'.join(map(str, loc[2:]))}"
            lines.append(f"{where}: {err['msg']}")
        raise SeedError(f"{path}: {len(lines)} problem(s):\n  " + "\n  ".join(lines)) from exc
    ids = [m.id for m in seed.members]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise SeedError(f"{path}: members listed twice: {', '.join(duplicates)}")
    return seed


@lru_cache(maxsize=1)
def founding() -> Founding:
    return load_partnership().founded
