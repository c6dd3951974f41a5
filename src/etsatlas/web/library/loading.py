"""Reading `data/publications.yaml`: every entry validated, every problem named (file, entry, field)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from . import vocab
from .dates import parse_partial_date

DATA_FILE = Path(__file__).resolve().parents[2] / "data" / "publications.yaml"


class SeedError(ValueError):
    """A seed file that cannot be loaded; the message lists every problem found."""


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OrganisationEntry(_Entry):
    id: str = Field(pattern=r"^[a-z0-9-]+$")
    name: str
    short_name: str = ""
    url: str = ""


class PersonEntry(_Entry):
    id: str = Field(pattern=r"^[a-z0-9-]+$")
    name: str
    affiliation: str | None = None
    url: str = ""


class ResourceEntry(_Entry):
    id: str = Field(pattern=r"^[a-z0-9-]+$")
    title: str
    type: str
    date: dt.date | int | str | None = None
    summary: str = ""
    authors: list[str] = []
    publishers: list[str] = []
    producers: list[str] = []
    topics: list[str] = []
    systems: list[str] = []
    languages: list[str] = []
    url: str = ""
    sources: list[str] = []

    @field_validator("type")
    @classmethod
    def _type(cls, v: str) -> str:
        if v not in vocab.RESOURCE_TYPES:
            raise ValueError(f"unknown type {v!r}; allowed: {', '.join(vocab.RESOURCE_TYPES)}")
        return v

    @field_validator("topics")
    @classmethod
    def _topics(cls, v: list[str]) -> list[str]:
        return _known(v, vocab.TOPICS, "topic")

    @field_validator("languages")
    @classmethod
    def _languages(cls, v: list[str]) -> list[str]:
        return _known(v, vocab.LANGUAGES, "language")

    @field_validator("date")
    @classmethod
    def _date(cls, v):
        parse_partial_date(v)
        return v

    @property
    def date_and_precision(self) -> tuple[dt.date | None, str]:
        return parse_partial_date(self.date)


def _known(values: list[str], table: dict[str, str], what: str) -> list[str]:
    for v in values:
        if v not in table:
            raise ValueError(f"unknown {what} {v!r}; allowed: {', '.join(table)}")
    return values


class LibrarySeed(BaseModel):
    organisations: list[OrganisationEntry]
    people: list[PersonEntry]
    resources: list[ResourceEntry]


def load_library(path: Path = DATA_FILE) -> LibrarySeed:
    """The library seed, validated, with cross-references (publishers, authors) checked."""
    try:
        raw: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SeedError(f"{path}: cannot read: {exc}") from exc
    raw = raw or {}
    raw.setdefault("people", [])
    try:
        seed = LibrarySeed.model_validate(raw)
    except ValidationError as exc:
        raise SeedError(_describe(path, raw, exc)) from exc
    problems = _cross_references(seed)
    if problems:
        raise SeedError(f"{path}:\n  " + "\n  ".join(problems))
    return seed


def _describe(path: Path, raw: dict, exc: ValidationError) -> str:
    lines = []
    for err in exc.errors():
        loc = list(err["loc"])
        where = ".".join(str(p) for p in loc)
        if len(loc) >= 2 and isinstance(loc[1], int):
            entry = (raw.get(loc[0]) or [])[loc[1]]
            if isinstance(entry, dict) and entry.get("id"):
                where = f"{loc[0]}[{loc[1]}] (id {entry['id']}) field {'.'.join(str(p) for p in loc[2:]) or '-'}"
        lines.append(f"{where}: {err['msg']}")
    return f"{path}: {len(lines)} problem(s):\n  " + "\n  ".join(lines)


def _cross_references(seed: LibrarySeed) -> list[str]:
    orgs = {o.id for o in seed.organisations}
    people = {p.id for p in seed.people}
    problems, seen = [], set()
    for r in seed.resources:
        if r.id in seen:
            problems.append(f"resource {r.id}: the id is used twice")
        seen.add(r.id)
        for field in ("publishers", "producers"):
            problems += [f"resource {r.id} field {field}: no organisation with id {o!r}" for o in getattr(r, field) if o not in orgs]
        problems += [f"resource {r.id} field authors: no person with id {p!r}" for p in r.authors if p not in people]
    return problems
