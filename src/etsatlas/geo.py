"""Where each system is drawn on the world map, and the map layers built from it.

Pure Python. A map *place* is one drawable shape (a country, a sub-national unit or a
marker); several systems can share a place (Germany: EU ETS, EU ETS2 and the national ETS),
so each place lists its systems and is coloured by the most advanced status among them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

from .schema import Factsheet, Status

GEO_FILE = Path(__file__).resolve().parent / "data" / "geo.yaml"
STATUS_ORDER = [Status.IN_FORCE, Status.UNDER_DEVELOPMENT, Status.UNDER_CONSIDERATION, Status.ABOLISHED]


class Point(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class Footprint(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    countries: list[str] = Field(default_factory=list, description="ISO 3166-1 alpha-3 codes.")
    subunits: list[str] = Field(default_factory=list, description="'<ISO3>-<code>' sub-national units.")
    points: list[Point] = Field(default_factory=list, description="Markers for places without a polygon.")


@lru_cache(maxsize=1)
def footprints() -> dict[str, Footprint]:
    raw = yaml.safe_load(GEO_FILE.read_text(encoding="utf-8"))
    groups: dict[str, list[str]] = raw.get("groups", {})

    def expand(codes: list[str]) -> list[str]:
        return [c for code in codes for c in (groups[code[1:]] if code.startswith("@") else [code])]

    return {
        sid: Footprint.model_validate({**fp, "countries": expand(fp.get("countries", []))})
        for sid, fp in raw["systems"].items()
    }


@dataclass
class Place:
    kind: str  # "country", "subunit" or "point"
    key: str
    label: str
    lat: float | None = None
    lon: float | None = None
    systems: list[Factsheet] = field(default_factory=list)

    @property
    def status(self) -> Status:
        return min((s.status.current for s in self.systems), key=STATUS_ORDER.index)

    def as_dict(self) -> dict:
        ordered = sorted(self.systems, key=lambda s: (STATUS_ORDER.index(s.status.current), s.display_name))
        return {
            "kind": self.kind,
            "key": self.key,
            "label": self.label,
            "lat": self.lat,
            "lon": self.lon,
            "status": self.status.value,
            "systems": [
                {"id": s.id, "name": s.display_name, "status": s.status.current.value,
                 "status_label": s.status.current.label}
                for s in ordered
            ],
        }


# Short names where the ISO name is long or not the name users search for.
LABEL_OVERRIDES = {"TWN": "Taiwan", "KOR": "Republic of Korea", "GBR": "United Kingdom", "USA": "United States"}


@lru_cache(maxsize=512)
def place_label(kind: str, code: str) -> str:
    """Readable name of a country ('DEU') or sub-national unit ('USA-CA'), via pycountry's ISO data."""
    import pycountry

    if code in LABEL_OVERRIDES:
        return LABEL_OVERRIDES[code]
    if kind == "country":
        country = pycountry.countries.get(alpha_3=code)
        return getattr(country, "common_name", None) or getattr(country, "name", code)
    iso3, _, sub = code.partition("-")
    country = pycountry.countries.get(alpha_3=iso3)
    subdivision = pycountry.subdivisions.get(code=f"{country.alpha_2}-{sub}") if country else None
    return subdivision.name if subdivision else code


def places(sheets: Iterable[Factsheet]) -> list[Place]:
    """The drawable places of the given systems; systems without a footprint are skipped."""
    prints = footprints()
    found: dict[tuple[str, str], Place] = {}
    for sheet in sheets:
        fp = prints.get(sheet.id)
        if fp is None:
            continue
        for code in fp.countries:
            found.setdefault(("country", code), Place("country", code, place_label("country", code))).systems.append(sheet)
        for code in fp.subunits:
            found.setdefault(("subunit", code), Place("subunit", code, place_label("subunit", code))).systems.append(sheet)
        for pt in fp.points:
            key = f"pt:{pt.name}"
            found.setdefault(("point", key), Place("point", key, pt.name, pt.lat, pt.lon)).systems.append(sheet)
    return list(found.values())
