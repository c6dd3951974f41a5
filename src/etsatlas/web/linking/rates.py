"""Exchange rates for the assessment: those imported with the price data, overridden by the caller.

The prices area stores, for each currency and date, the value of one unit in EUR (from the
imported ICAP exports). The latest rate of each currency is used. Without imported rates (or
without the prices area), only rates given in the request count; none are invented.
"""

from __future__ import annotations

from collections.abc import Mapping


def imported_rates() -> tuple[dict[str, float], str | None]:
    """({currency: value in EUR}, description) from the latest imported rates, or ({}, None)."""
    try:
        from ..prices.data import stored_rates
    except ImportError:
        return {}, None
    known = stored_rates().dropna(subset=["eur_rate"])  # sorted by currency and date
    if known.empty:
        return {}, None
    latest = known.groupby("currency").tail(1)
    rates = {"EUR": 1.0}
    rates.update({currency: float(rate) for currency, rate in zip(latest["currency"], latest["eur_rate"]) if rate > 0})
    newest = latest["date"].max().date()
    return rates, f"from the imported price data (latest rates, up to {newest.isoformat()})"


def rates_for(given: Mapping[str, float]) -> tuple[dict[str, float], str]:
    """Imported rates overridden by those given in the request, and where they come from."""
    if given:
        return dict(given), "given in the request"
    rates, source = imported_rates()
    return rates, source or "none available"
