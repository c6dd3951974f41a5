"""Properties of the numeric comparisons, against plain reference computations."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from etsatlas.compat import RULES_BY_KEY, Status, worst
from etsatlas.compat.examples import example
from etsatlas.compat.rules import Context
from etsatlas.compat.rules.market import PRICE_RATIO_ALIGNED, PRICE_RATIO_BARRIER

CURRENCIES = ["EUR", "USD", "GBP", "CNY"]
prices = st.floats(min_value=0.5, max_value=500, allow_nan=False)
rates = st.floats(min_value=0.01, max_value=10, allow_nan=False)


def sheet(system_id, value, currency):
    return example(system_id, latest_prices=[{"value": value, "currency": currency, "date": "2025-12-01", "basis": "auction"}])


def reference_ambition(values_eur):
    """Plain reference: ratio of the highest to the lowest price in EUR, against the thresholds."""
    ratio = max(values_eur) / min(values_eur)
    if ratio <= PRICE_RATIO_ALIGNED:
        return Status.ALIGNED
    return Status.BARRIER if ratio > PRICE_RATIO_BARRIER else Status.NEEDS_ALIGNMENT


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(prices, st.sampled_from(CURRENCIES)), min_size=2, max_size=6),
       st.fixed_dictionaries({c: rates for c in CURRENCIES}), rates)
def test_ambition_matches_reference_and_ignores_the_common_currency(observations, fx, scale):
    sheets = [sheet(f"s{i}-ets", v, c) for i, (v, c) in enumerate(observations)]
    in_eur = [v * fx[c] / fx["EUR"] for v, c in observations]
    ratio = max(in_eur) / min(in_eur)
    # Skip cases within rounding of a threshold: both sides are then defensible.
    if any(abs(ratio - t) < 1e-9 * t for t in (PRICE_RATIO_ALIGNED, PRICE_RATIO_BARRIER)):
        return
    status = RULES_BY_KEY["ambition"].check(Context(sheets=sheets, fx=fx)).status
    assert status == reference_ambition(in_eur)
    rescaled = {c: r * scale for c, r in fx.items()}
    assert RULES_BY_KEY["ambition"].check(Context(sheets=sheets, fx=rescaled)).status == status


@given(st.lists(st.sampled_from(list(Status)), max_size=20))
def test_worst_matches_a_reference_ordering(statuses):
    order = [Status.ALIGNED, Status.NOT_ENOUGH_DATA, Status.NEEDS_ALIGNMENT, Status.BARRIER]
    expected = max(statuses, key=order.index) if statuses else Status.ALIGNED
    assert worst(statuses) == expected
