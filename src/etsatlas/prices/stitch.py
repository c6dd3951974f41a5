"""Stitching: one continuous series per system, market and series out of ICAP's column groups.

A system's history may be split over groups ("(until 2018)" / "(from 2019, download)") and a
"(download)" group may repeat a chart series. On each date one value is kept per series:
when groups agree, the duplicate is counted once; when they disagree, the preferred group wins
(a chart group over a "(download)" group, then the later group in the file) and a warning
lists the disagreement.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .problems import Problem

KEY = ["system", "market", "series", "date"]


def stitch(observations: pd.DataFrame, *, rtol: float = 1e-9) -> tuple[pd.DataFrame, list[Problem]]:
    """Keep one row per KEY; return the stitched rows (sorted) and warnings about overlaps."""
    ranked = observations.assign(_rank=observations["download"].astype(bool).astype(int) * -100000 + observations["group"])
    # Sort by key then rank (stable): rows of the same key are adjacent, the best-ranked last.
    codes = np.stack([pd.factorize(ranked[name], sort=True, use_na_sentinel=False)[0] for name in KEY])  # ordered as the values
    order = np.lexsort([ranked["_rank"].to_numpy(), *codes[::-1]])
    ranked = ranked.take(order).reset_index(drop=True)
    codes = codes[:, order]
    same_as_next = np.zeros(len(ranked), dtype=bool)
    same_as_next[:-1] = (codes[:, 1:] == codes[:, :-1]).all(axis=0)
    warnings: list[Problem] = []
    if same_as_next.any():
        dup = same_as_next.copy()
        dup[1:] |= same_as_next[:-1]
        overlap = ranked[dup]
        spread = overlap.groupby(KEY, sort=False)["value"].agg(["min", "max"])
        agree = np.isclose(spread["min"], spread["max"], rtol=rtol, atol=0)
        if agree.any():
            count = int(agree.sum())
            warnings.append(Problem(
                "download_duplicate", f"{count} date(s) appear in two groups with the same value; counted once",
            ))
        for key in spread.index[~agree]:
            system, market, series, date = key  # type: ignore[misc]
            rows = overlap.set_index(KEY).loc[key]
            where = "; ".join(f"{s}: {v:g} (line {n})" for s, v, n in zip(rows["source"], rows["value"], rows["line"]))
            warnings.append(Problem(
                "series_disagree", f"{system} {market} {series} on {date:%Y-%m-%d} differs between groups: {where}",
            ))
    # The last row of each key has the best rank (a chart group, then the later group).
    kept = ranked[~same_as_next].drop(columns="_rank").reset_index(drop=True)
    return kept, warnings


def merge_rates(rates: pd.DataFrame, *, rtol: float = 1e-6) -> tuple[pd.DataFrame, list[Problem]]:
    """One EUR and one USD rate per currency and date (the first given, sorted); conflicts are warned about.

    A rate is "given" when not NaN; a conflict is two given rates of the same kind that differ
    by more than `rtol`. Vectorised: rows sorted by key (stable), then per-key reductions.
    """
    rates = rates.dropna(subset=["currency", "date"])
    if rates.empty:
        return pd.DataFrame(columns=["currency", "date", "eur_rate", "usd_rate"]), []
    codes = np.stack([pd.factorize(rates[name], sort=True)[0] for name in ("currency", "date")])
    order = np.lexsort(codes[::-1])
    codes = codes[:, order]
    starts = np.flatnonzero(np.r_[True, (codes[:, 1:] != codes[:, :-1]).any(axis=0)])
    first = pd.DataFrame({name: rates[name].to_numpy()[order][starts] for name in ("currency", "date")})
    conflict = np.zeros(len(starts), dtype=bool)
    for name in ("eur_rate", "usd_rate"):
        values = rates[name].to_numpy(dtype=float)[order]
        first[name] = _first_given(values, starts)
        low, high = np.fmin.reduceat(values, starts), np.fmax.reduceat(values, starts)
        conflict |= ~np.isclose(low, high, rtol=rtol, equal_nan=True)
    warnings = []
    if conflict.any():
        sample = ", ".join(f"{c} {d:%Y-%m-%d}" for c, d in first.loc[conflict, ["currency", "date"]].head(5).itertuples(index=False))
        warnings.append(Problem("rate_conflict", f"{int(conflict.sum())} currency-date(s) have different rates in different groups (e.g. {sample})"))
    return first, warnings


def _first_given(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Per run of rows starting at `starts`: the first value that is not NaN (NaN when none is)."""
    positions = np.where(np.isnan(values), len(values), np.arange(len(values)))
    found = np.minimum.reduceat(positions, starts)
    out = np.full(len(starts), np.nan)
    given = found < len(values)
    out[given] = values[found[given]]
    return out
