"""The EU Market Stability Reserve as versioned rules.

The TNAC of year y (total number of allowances in circulation, published in May of y+1)
sets the intake or release of the 12 months from 1 September y+1 to 31 August y+2. The
reserve operates from 1 January 2019, so the TNAC of 2017 gives the January-August 2019
transition (8/12 of a year). Each period's total is rounded to whole allowances.

- 2015: Decision (EU) 2015/1814 as adopted: 12 % of the TNAC above 833 million, release of
  100 million below 400 million.
- 2018: as amended by Directive (EU) 2018/410: intake rate 24 % until 31 December 2023; from
  2023 holdings above the previous year's auction volume are invalidated (1 January).
- 2023: as amended by Directive (EU) 2023/959: 24 % until 31 December 2030; when
  833 M < TNAC <= 1,096 M the annual intake is TNAC - 833 M; from 2024 holdings above
  400 million are invalidated (1 January).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections.abc import Callable
from dataclasses import dataclass, field

M = 1_000_000
UPPER, LOWER, RELEASE = 833 * M, 400 * M, 100 * M
START = dt.date(2019, 1, 1)


def _month(year: int, month: int) -> dt.date:
    return dt.date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


def _rate_until(year: int) -> Callable[[dt.date], float]:
    return lambda month: 0.24 if month.year <= year else 0.12


@dataclass(frozen=True)
class Rules:
    """One legal version of the reserve: data plus the few functions that differ."""

    name: str
    legal_basis: str
    rate: Callable[[dt.date], float]  # share of the TNAC taken in per year, by month
    band_top: float | None = None  # TNAC up to which the intake is TNAC - 833 M
    invalidate_above_auctions_from: int | None = None
    invalidate_above_from: tuple[int, float] | None = None  # (first year, holdings kept)

    def annual_intake(self, tnac: float, month: dt.date) -> float:
        if tnac <= UPPER:
            return 0.0
        if self.band_top is not None and tnac <= self.band_top:
            return tnac - UPPER
        return self.rate(month) * tnac


RULES: dict[str, Rules] = {
    "2015": Rules("2015", "Decision (EU) 2015/1814", lambda month: 0.12),
    "2018": Rules("2018", "Decision (EU) 2015/1814 as amended by Directive (EU) 2018/410", _rate_until(2023),
                  invalidate_above_auctions_from=2023),
    "2023": Rules("2023", "Decision (EU) 2015/1814 as amended by Directive (EU) 2023/959", _rate_until(2030),
                  band_top=1096 * M, invalidate_above_auctions_from=2023, invalidate_above_from=(2024, LOWER)),
}


def whole(x: float) -> int:
    """Round half up to a whole number of allowances."""
    return math.floor(x + 0.5)


@dataclass
class Period:
    tnac_year: int
    tnac: float
    start: dt.date
    end: dt.date  # last month of the period
    intake: int = 0
    release: int = 0
    invalidated: int = 0
    holdings: int = 0  # at the end of the period
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "tnac_year": self.tnac_year, "tnac": self.tnac, "period": f"{self.start:%Y-%m}/{self.end:%Y-%m}",
            "months": (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1,
            "intake": self.intake, "release": self.release, "invalidated": self.invalidated,
            "holdings": self.holdings, "notes": self.notes,
        }


def schedule(
    tnac: dict[int, float], rules: Rules | str, *, holdings: float = 0.0, auctioned: dict[int, float] | None = None
) -> list[Period]:
    """Intake, release and invalidation per 12-month period from September, for each TNAC year.

    `holdings` is what the reserve holds when the first period starts; `auctioned` gives the
    auction volume by year (needed for the 2018 invalidation rule).
    """
    rules = RULES[rules] if isinstance(rules, str) else rules
    auctioned = auctioned or {}
    held = float(holdings)
    out: list[Period] = []
    for year in sorted(tnac):
        value = tnac[year]
        months = [m for m in (_month(year + 1, 9 + i) for i in range(12)) if m >= START]
        if not months:
            continue
        period = Period(year, value, months[0], months[-1])
        if value > UPPER:
            period.intake = whole(sum(rules.annual_intake(value, m) for m in months) / 12)
        elif value < LOWER:
            period.release = whole(min(RELEASE * len(months) / 12, held))
        per_month = (period.intake - period.release) / len(months)
        for m in months:
            if m.month == 1:
                gone = _invalidation(rules, m.year, held, auctioned, period)
                period.invalidated += gone
                held -= gone
            held += per_month
        period.holdings = whole(held)
        out.append(period)
    return out


def _invalidation(rules: Rules, year: int, held: float, auctioned: dict[int, float], period: Period) -> int:
    """Allowances invalidated on 1 January of `year`."""
    keep = math.inf
    if rules.invalidate_above_from and year >= rules.invalidate_above_from[0]:
        keep = rules.invalidate_above_from[1]
    elif rules.invalidate_above_auctions_from and year >= rules.invalidate_above_auctions_from:
        if year - 1 not in auctioned:
            period.notes.append(f"invalidation on {year}-01-01 not computed: auction volume of {year - 1} missing")
            return 0
        keep = auctioned[year - 1]
    return whole(max(0.0, held - keep))


class TnacError(ValueError):
    pass


def read_tnac_csv(text: str, source: str = "TNAC.csv") -> tuple[dict[int, float], dict[int, float]]:
    """`year,tnac[,auctioned]` rows (allowances) -> TNAC and auction volumes by year."""
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or not {"year", "tnac"} <= {f.strip() for f in reader.fieldnames}:
        raise TnacError(f"{source}:1: header must name the columns year,tnac (optionally auctioned)")
    tnac, auctioned = {}, {}
    for line, row in enumerate(reader, start=2):
        row = {k.strip(): (v or "").strip() for k, v in row.items() if k}
        try:
            year = int(row["year"])
            tnac[year] = float(row["tnac"].replace("_", ""))
            if row.get("auctioned"):
                auctioned[year] = float(row["auctioned"].replace("_", ""))
        except ValueError:
            raise TnacError(f"{source}:{line}: year must be an integer and tnac/auctioned numbers, got {row}") from None
        if tnac[year] < 0:
            raise TnacError(f"{source}:{line}: tnac must not be negative")
    return tnac, auctioned
