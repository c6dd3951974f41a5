"""Exchange rates for the assessment: those imported with the price data, overridden by the caller.

The prices area stores, for each currency and date, the value of one unit in EUR (from the
imported ICAP exports). The latest rate of each currency is used. Without imported rates (or
without the prices area), only rates given in the request count; none are invented.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db.models import Max


def imported_rates() -> tuple[dict[str, float], str | None]:
    """({currency: value in EUR}, description) from the latest imported rates, or ({}, None)."""
    try:
        from ..prices.models import ExchangeRate  # type: ignore[attr-defined]
    except ImportError:
        return {}, None
    rows = ExchangeRate.objects.filter(eur_rate__isnull=False)
    latest = dict(rows.values("currency").annotate(latest=Max("date")).values_list("currency", "latest"))
    if not latest:
        return {}, None
    rates = {"EUR": 1.0}
    for currency, date, rate in rows.filter(date__in=set(latest.values())).values_list("currency", "date", "eur_rate"):
        if latest.get(currency) == date and rate and rate > 0:
            rates[currency] = float(rate)
    newest = max(latest.values())
    return rates, f"from the imported price data (latest rates, up to {newest.isoformat()})"


def rates_for(given: Mapping[str, float]) -> tuple[dict[str, float], str]:
    """Imported rates overridden by those given in the request, and where they come from."""
    if given:
        return dict(given), "given in the request"
    rates, source = imported_rates()
    return rates, source or "none available"
