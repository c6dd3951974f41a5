"""Queries over the tidy table: filter, convert currencies, aggregate by frequency, summarise.

Conventions: `value` is per tonne of CO2e in the row's `currency`. Exchange rates say how much
one unit of a currency is worth in EUR (`eur_rate`) and USD (`usd_rate`) on a date, as given by
the file. A conversion uses the rate of the same date, else the nearest earlier one, and flags
the row (`rate_estimated`). Aggregated rows are the mean of the daily values in the period,
dated by the period's first day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .levels import LEVELS, PRICE

CURRENCIES = ("native", "EUR", "USD")
FREQUENCIES = {"daily": None, "weekly": "W", "monthly": "M", "annual": "Y"}
MARKETS = ("primary", "secondary", "reference")
COLUMNS = ["system", "date", "market", "series", "value", "currency", "rate_estimated"]


class QueryError(ValueError):
    """A query parameter is invalid; `field` names it."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


@dataclass(frozen=True)
class Query:
    systems: tuple[str, ...] = ()  # empty: every system
    markets: tuple[str, ...] = ()  # empty: every market
    series: tuple[str, ...] = (PRICE,)  # empty: every series
    currency: str = "native"
    start: dt.date | None = None
    end: dt.date | None = None
    freq: str = "daily"
    extra: dict[str, Any] = field(default_factory=dict, compare=False)


def _split(value: str | list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value.split(",") if isinstance(value, str) else [p for v in value for p in str(v).split(",")]
    return tuple(dict.fromkeys(p.strip() for p in items if p.strip()))


def _date(name: str, value: str | dt.date | None) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise QueryError(name, f"{name}={value!r} is not a date YYYY-MM-DD") from None


def make_query(
    systems: str | list[str] | None = None, market: str | list[str] | None = None,
    series: str | list[str] | None = PRICE, currency: str | None = "native",
    start: str | dt.date | None = None, end: str | dt.date | None = None, freq: str | None = "daily",
    known_systems: set[str] | None = None,
) -> Query:
    """Validate raw parameters (from a URL, the CLI or Python) into a Query."""
    system_ids = _split(systems)
    if known_systems is not None:
        unknown = [s for s in system_ids if s not in known_systems]
        if unknown:
            raise QueryError("systems", f"no price data for system(s) {', '.join(unknown)}; known: {', '.join(sorted(known_systems))}")
    markets = tuple(m.lower() for m in _split(market) if m.lower() != "all")
    if bad := [m for m in markets if m not in MARKETS]:
        raise QueryError("market", f"market={bad[0]!r} is not one of all, {', '.join(MARKETS)}")
    names = _split(series) if series is not None else (PRICE,)
    if "all" in names:
        names = ()
    elif "levels" in names:
        names = ()
    if bad := [s for s in names if s not in LEVELS and not s.replace("_", " ").split()[-1].isdigit()]:
        raise QueryError("series", f"series={bad[0]!r} is not 'all', 'price' or a level ({', '.join(LEVELS)})")
    cur = (currency or "native").strip()
    cur = "native" if cur.lower() == "native" else cur.upper()
    if cur not in CURRENCIES:
        raise QueryError("currency", f"currency={currency!r} is not one of {', '.join(CURRENCIES)}")
    f = (freq or "daily").strip().lower()
    if f not in FREQUENCIES:
        raise QueryError("freq", f"freq={freq!r} is not one of {', '.join(FREQUENCIES)}")
    a, b = _date("start", start), _date("end", end)
    if a and b and a > b:
        raise QueryError("end", f"end={b} is before start={a}")
    return Query(system_ids, markets, names, cur, a, b, f)


def select(observations: pd.DataFrame, query: Query) -> pd.DataFrame:
    """The rows the query asks for (before conversion and aggregation)."""
    mask = np.ones(len(observations), dtype=bool)
    if query.systems:
        mask &= observations["system"].isin(query.systems).to_numpy()
    if query.markets:
        mask &= observations["market"].isin(query.markets).to_numpy()
    if query.series:
        mask &= observations["series"].isin(query.series).to_numpy()
    if query.start:
        mask &= (observations["date"] >= pd.Timestamp(query.start)).to_numpy()
    if query.end:
        mask &= (observations["date"] <= pd.Timestamp(query.end)).to_numpy()
    return observations[mask]


def convert(observations: pd.DataFrame, rates: pd.DataFrame, currency: str) -> pd.DataFrame:
    """Values in `currency` (EUR or USD; "native" leaves them), with the rate of the date or the nearest earlier one."""
    out = observations.assign(rate_estimated=False)
    if currency == "native" or out.empty:
        return out[COLUMNS]
    column = "eur_rate" if currency == "EUR" else "usd_rate"
    table = rates.loc[rates[column].notna(), ["currency", "date", column]].rename(columns={"date": "rate_date", column: "rate"})
    table = table.sort_values("rate_date")
    foreign = out[out["currency"] != currency].sort_values("date")
    merged = pd.merge_asof(
        foreign, table, left_on="date", right_on="rate_date", by="currency", direction="backward",
    )
    merged["value"] = merged["value"] * merged["rate"]
    merged["rate_estimated"] = merged["rate_date"].isna() | (merged["rate_date"] != merged["date"])
    merged["currency"] = currency
    same = out[out["currency"] == currency]
    return pd.concat([same[COLUMNS], merged[COLUMNS]], ignore_index=True)


def aggregate(frame: pd.DataFrame, freq: str) -> pd.DataFrame:
    """Mean per period (weekly, monthly, annual), dated by the period's first day; daily passes through."""
    rule = FREQUENCIES[freq]
    if rule is None or frame.empty:
        return frame
    period = frame["date"].dt.to_period(rule).dt.start_time
    grouped = frame.assign(date=period).groupby(["system", "market", "series", "currency", "date"], sort=False, observed=True)
    out = grouped.agg(value=("value", "mean"), rate_estimated=("rate_estimated", "any")).reset_index()
    return out[COLUMNS]


def run(observations: pd.DataFrame, rates: pd.DataFrame, query: Query) -> pd.DataFrame:
    """Select, convert and aggregate: the long table the chart, the API and the downloads show."""
    frame = convert(select(observations, query), rates, query.currency)
    frame = aggregate(frame, query.freq)
    return frame.sort_values(["system", "market", "series", "date"], ignore_index=True)


def summarise(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Per system and market (prices only): latest value and date, change over one year, annual means, min, max."""
    rows = []
    prices = frame[frame["series"] == PRICE].dropna(subset=["value"])
    for (system, market, currency), g in prices.groupby(["system", "market", "currency"], sort=True):
        g = g.sort_values("date")
        latest = g.iloc[-1]
        year_ago = g[g["date"] <= latest["date"] - pd.DateOffset(years=1)]
        before = year_ago.iloc[-1] if len(year_ago) else None
        change = float(latest["value"] - before["value"]) if before is not None else None
        lo, hi = g.loc[g["value"].idxmin()], g.loc[g["value"].idxmax()]
        annual = g.groupby(g["date"].dt.year)["value"].mean()
        rows.append({
            "system": system, "market": market, "currency": currency,
            "latest": {"date": latest["date"].date().isoformat(), "value": float(latest["value"])},
            "year_ago": {"date": before["date"].date().isoformat(), "value": float(before["value"])} if before is not None else None,
            "change_1y": change,
            "change_1y_pct": (change / float(before["value"]) * 100) if before is not None and before["value"] else None,
            "min": {"date": lo["date"].date().isoformat(), "value": float(lo["value"])},
            "max": {"date": hi["date"].date().isoformat(), "value": float(hi["value"])},
            "annual_mean": {int(y): float(v) for y, v in annual.items()},
            "observations": int(len(g)),
            "rate_estimated": bool(g["rate_estimated"].any()),
        })
    return rows
