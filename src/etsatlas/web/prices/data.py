"""The stored prices as DataFrames, cached per process until the next import."""

from __future__ import annotations

import threading

import pandas as pd
from django.db.models import Count, Max

from .models import ExchangeRate, Observation, PriceImport

_lock = threading.Lock()
_cache: dict[str, object] = {}


def _version() -> tuple:
    # Observations change only through imports (the admin is read-only), so this identifies the data.
    return tuple(PriceImport.objects.aggregate(last=Max("id"), n=Count("id")).values())


def frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    """(observations, rates) as stored: the tidy table without provenance, and the exchange rates."""
    version = _version()
    with _lock:
        if _cache.get("version") == version:
            return _cache["frames"]  # type: ignore[return-value]
    rows = Observation.objects.values_list("system", "date", "market", "series", "value", "currency")
    observations = pd.DataFrame(list(rows), columns=["system", "date", "market", "series", "value", "currency"])
    observations["date"] = pd.to_datetime(observations["date"])
    rate_rows = ExchangeRate.objects.values_list("currency", "date", "eur_rate", "usd_rate")
    rates = pd.DataFrame(list(rate_rows), columns=["currency", "date", "eur_rate", "usd_rate"])
    rates["date"] = pd.to_datetime(rates["date"])
    rates["eur_rate"] = rates["eur_rate"].astype(float)
    rates["usd_rate"] = rates["usd_rate"].astype(float)
    with _lock:
        _cache.update(version=version, frames=(observations, rates))
    return observations, rates


def has_data() -> bool:
    return Observation.objects.exists()


def systems_with_data() -> list[str]:
    observations, _ = frames()
    return sorted(observations["system"].astype(str).unique())
