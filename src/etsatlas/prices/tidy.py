"""The plain tidy CSV layout, for prices from other sources.

    system,date,market,series,value,currency[,eur_rate,usd_rate]
    eu-ets,2024-01-02,secondary,price,78.50,EUR,1,1.09

`system` is a knowledge-base id, `date` ISO (YYYY-MM-DD), `market` primary, secondary or
reference, `series` "price" or a named level (etsatlas.prices.levels.LEVELS), `value` a number,
`currency` a three-letter ISO code; the optional rates convert one unit of `currency` into EUR
and USD on that date.
"""

from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd

from .icap import Parsed
from .levels import LEVELS
from .problems import PriceFileError, Problem
from .text import BLANKS, CsvText, check_field_counts

REQUIRED = ["system", "date", "market", "series", "value", "currency"]
OPTIONAL = ["eur_rate", "usd_rate"]
MARKETS = ("primary", "secondary", "reference")
_SYSTEM_ID = re.compile(r"^[a-z][a-z0-9-]{1,39}$")


def is_tidy(source: CsvText) -> bool:
    first = source.text.lstrip().split("\n", 1)[0].strip().lower()
    return [c.strip() for c in first.split(",")][:6] == REQUIRED


def read_tidy(source: CsvText, *, known_systems: set[str] | None = None) -> Parsed:
    """Read a tidy CSV; every bad cell is reported with its line and column."""
    check_field_counts(source)  # truncated and overlong rows, with line numbers
    frame = pd.read_csv(io.StringIO(source.text), dtype=str, keep_default_na=False, na_values=BLANKS, skip_blank_lines=False)
    frame.columns = [c.strip().lower() for c in frame.columns]
    name = source.file_name
    extra = [c for c in frame.columns if c not in REQUIRED + OPTIONAL]
    if extra or any(c not in frame.columns for c in REQUIRED):
        raise PriceFileError(name, [Problem(
            "bad_header", f"the header must be {','.join(REQUIRED)} (optionally {','.join(OPTIONAL)}); "
            f"got {','.join(frame.columns)}", line=1,
        )])
    frame = frame[frame.notna().any(axis=1)]
    if frame.empty:
        raise PriceFileError(name, [Problem("no_data", "the file has a header but no rows", line=2)])
    lines = frame.index.to_numpy() + 2
    errors: list[Problem] = []

    def bad(mask: pd.Series, column: str, message: str, code: str = "bad_value") -> None:
        col = list(frame.columns).index(column) + 1
        for i in np.flatnonzero(mask.to_numpy()):
            errors.append(Problem(code, message.format(frame[column].iloc[i]), line=int(lines[i]), column=col, field=column))

    system = frame["system"].fillna("").str.strip()
    bad(~system.str.match(_SYSTEM_ID), "system", "{!r} is not a system id like eu-ets")
    if known_systems is not None:
        bad(system.str.match(_SYSTEM_ID) & ~system.isin(known_systems), "system", "unknown system {!r}", "unknown_system")
    dates = pd.to_datetime(frame["date"].str.strip(), format="%Y-%m-%d", errors="coerce")
    bad(dates.isna(), "date", "{!r} is not a date YYYY-MM-DD", "bad_date")
    market = frame["market"].fillna("").str.strip().str.lower()
    bad(~market.isin(MARKETS), "market", "{!r} is not one of " + ", ".join(MARKETS))
    series = frame["series"].fillna("").str.strip()
    generic = series.str.match(r"^(primary|secondary)_stability_\d+$")
    bad(~(series.isin(list(LEVELS)) | generic), "series", "{!r} is not 'price' or a named level")
    value = pd.to_numeric(frame["value"], errors="coerce")
    bad(value.isna(), "value", "{!r} is not a number", "bad_number")
    currency = frame["currency"].fillna("").str.strip().str.upper()
    bad(~currency.str.fullmatch(r"[A-Z]{3}"), "currency", "{!r} is not a three-letter currency code", "bad_currency")
    rates = {}
    for column in OPTIONAL:
        if column in frame.columns:
            rates[column] = pd.to_numeric(frame[column], errors="coerce")
            bad(frame[column].notna() & rates[column].isna(), column, "{!r} is not a number", "bad_number")
        else:
            rates[column] = pd.Series(np.nan, index=frame.index)
    tidy = pd.DataFrame({
        "system": system, "date": dates, "market": market, "series": series, "value": value,
        "currency": currency, "eur_rate": rates["eur_rate"], "usd_rate": rates["usd_rate"],
        "line": lines, "column": list(frame.columns).index("value") + 1, "source": name, "group": 0, "download": False,
    })
    if not errors:
        key = ["system", "market", "series", "date"]
        twice = tidy[tidy.duplicated(key, keep=False)]
        for _, same in twice.groupby(key):
            if same["value"].nunique() > 1:
                errors.append(Problem(
                    "duplicate_date", f"{same['system'].iloc[0]} {same['market'].iloc[0]} {same['series'].iloc[0]} "
                    f"{same['date'].iloc[0]:%Y-%m-%d} appears on lines {', '.join(map(str, same['line']))} with different values",
                    line=int(same["line"].iloc[1]), column=int(same["column"].iloc[0]), field="value",
                ))
    if errors:
        raise PriceFileError(name, errors)
    tidy = tidy.drop_duplicates(["system", "market", "series", "date"]).reset_index(drop=True)
    rate_table = tidy[["currency", "date", "eur_rate", "usd_rate"]]
    rate_table = rate_table[rate_table["eur_rate"].notna() | rate_table["usd_rate"].notna()]
    return Parsed(source, "tidy", tidy, rate_table, [], [])
