"""Allowance prices: ICAP exports and tidy CSVs read into clean, continuous, documented series.

Pure Python (pandas, numpy): nothing here imports Django. The web app stores what
`read_price_file` returns and registers itself as the default source of `load()`.

>>> from etsatlas.prices import make_query
>>> make_query(systems="eu-ets,uk-ets", currency="eur", freq="monthly").currency
'EUR'
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from .explore import Query, QueryError, make_query, run, summarise
from .problems import PriceFileError, Problem
from .reading import PriceFile, read_price_bytes, read_price_file

__all__ = [
    "PriceFile", "PriceFileError", "Problem", "Query", "QueryError", "load", "make_query",
    "read_price_bytes", "read_price_file", "run", "set_default_source", "summarise",
]

Source = Callable[[], tuple[pd.DataFrame, pd.DataFrame]]
_default_source: Source | None = None


def set_default_source(source: Source | None) -> None:
    """Register where `load()` finds prices when no file is given (the web app registers its database)."""
    global _default_source
    _default_source = source


def load(
    source: str | Path | PriceFile | None = None, *, systems: str | list[str] | None = None,
    market: str | list[str] | None = None, series: str | list[str] | None = "price",
    currency: str = "native", start: str | None = None, end: str | None = None, freq: str = "daily",
) -> pd.DataFrame:
    """Prices in long format: system, date, market, series, value, currency, rate_estimated.

    `source` is a file (ICAP export or tidy CSV), an already read PriceFile, or None for the
    registered default (the database, when Django is set up).
    """
    if isinstance(source, (str, Path)):
        source = read_price_file(source)
    if isinstance(source, PriceFile):
        observations, rates = source.observations, source.rates
    elif _default_source is not None:
        observations, rates = _default_source()
    else:
        raise RuntimeError("no price source: pass a file to load(), or set up Django (etsatlas.web) to read the database")
    query = make_query(systems=systems, market=market, series=series, currency=currency, start=start, end=end, freq=freq)
    return run(observations, rates, query)
