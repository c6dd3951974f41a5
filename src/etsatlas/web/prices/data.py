"""The stored prices as DataFrames, cached per process until the next import."""

from __future__ import annotations

import threading

import numpy as np
import pandas as pd
from django.db.models import Count, Max

from .models import Observation, PriceImport, RateSeries

_lock = threading.Lock()
_cache: dict[str, object] = {}


def _version() -> tuple:
    # Observations change only through imports (the admin is read-only), so this identifies the data.
    return tuple(PriceImport.objects.aggregate(last=Max("id"), n=Count("id")).values())


def data_version() -> tuple:
    return _version()


def frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    """(observations, rates) as stored: the tidy table without provenance, and the exchange rates."""
    version = _version()
    with _lock:
        if _cache.get("version") == version:
            return _cache["frames"]  # type: ignore[return-value]
    rows = Observation.objects.values_list("system", "date", "market", "series", "value", "currency")
    observations = pd.DataFrame(list(rows), columns=["system", "date", "market", "series", "value", "currency"])
    observations["date"] = pd.to_datetime(observations["date"])
    rates = stored_rates()
    with _lock:
        _cache.update(version=version, frames=(observations, rates))
    return observations, rates


def stored_rates() -> pd.DataFrame:
    """Every stored exchange rate: currency, date, eur_rate, usd_rate (sorted by currency and date)."""
    parts = [series.frame() for series in RateSeries.objects.only("currency", "days", "eur_rates", "usd_rates")]
    if not parts:
        parts = [pd.DataFrame({"currency": [], "date": np.array([], dtype="datetime64[D]"), "eur_rate": [], "usd_rate": []})]
    rates = pd.concat(parts, ignore_index=True).astype({"currency": object, "eur_rate": float, "usd_rate": float})
    # The unit of the observations' dates, which the database gives as date objects (merge_asof needs one unit).
    rates["date"] = rates["date"].astype("datetime64[s]")
    return rates.sort_values(["currency", "date"], ignore_index=True)


def has_data() -> bool:
    return Observation.objects.exists()


def systems_with_data() -> list[str]:
    observations, _ = frames()
    return sorted(observations["system"].astype(str).unique())
