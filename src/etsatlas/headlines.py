"""Headline numbers computed from the factsheets (pure Python; the home page shows them)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from .schema import CapType, Factsheet, Status
from .schema.fact import fact_value

WORLD_FILE = Path(__file__).resolve().parent / "data" / "world.yaml"


@lru_cache(maxsize=1)
def world() -> dict:
    return yaml.safe_load(WORLD_FILE.read_text(encoding="utf-8"))


def status_counts(sheets: Sequence[Factsheet]) -> dict[str, int]:
    counts = Counter(s.status.current.value for s in sheets)
    return {status.value: counts.get(status.value, 0) for status in Status}


@dataclass(frozen=True)
class CoveredShare:
    covered_mt: float
    systems: tuple[str, ...]
    missing: tuple[str, ...]
    global_gt: float
    global_year: int
    global_source: str
    global_source_name: str

    @property
    def share_pct(self) -> float:
        return 100 * self.covered_mt / (self.global_gt * 1000)


def annual_cap_mt(sheet: Factsheet) -> float | None:
    """Latest annual absolute cap in MtCO2(e), or None when the data do not state one."""
    if fact_value(sheet.cap.type) not in (CapType.ABSOLUTE, None):
        return None
    return sheet.cap.annual_mt()


def covered_share(sheets: Sequence[Factsheet]) -> CoveredShare | None:
    """Share of global emissions under the annual absolute caps of systems in force.

    A lower bound: systems without a stated annual cap in MtCO2e (intensity-based systems
    included) are listed as missing, not estimated.
    """
    in_force = [s for s in sheets if s.status.current is Status.IN_FORCE]
    if not in_force:
        return None
    caps = {s.id: annual_cap_mt(s) for s in in_force}
    known = {k: v for k, v in caps.items() if v is not None}
    ref = world()["global_ghg_emissions"][0]
    return CoveredShare(
        covered_mt=sum(known.values()),
        systems=tuple(sorted(known)),
        missing=tuple(sorted(k for k, v in caps.items() if v is None)),
        global_gt=ref["value_gt"],
        global_year=ref["year"],
        global_source=ref["source"],
        global_source_name=ref["source_name"],
    )
