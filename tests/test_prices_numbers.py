"""Conversion, aggregation and rate merging against plain reference implementations (hypothesis)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etsatlas.prices.explore import aggregate, convert
from etsatlas.prices.stitch import merge_rates

START = dt.date(2020, 1, 1)

days = st.integers(min_value=0, max_value=800)
observations = st.lists(
    st.tuples(st.sampled_from(["CAD", "EUR"]), days, st.floats(min_value=0.01, max_value=500, allow_nan=False)),
    min_size=1, max_size=40, unique_by=lambda t: (t[0], t[1]),
)
rates = st.lists(
    st.tuples(st.sampled_from(["CAD", "EUR"]), days, st.floats(min_value=0.1, max_value=2, allow_nan=False)),
    max_size=40, unique_by=lambda t: (t[0], t[1]),
)


def frame(rows) -> pd.DataFrame:
    return pd.DataFrame({
        "system": [f"sys-{c.lower()}" for c, _, _ in rows], "date": [pd.Timestamp(START + dt.timedelta(d)) for _, d, _ in rows],
        "market": "secondary", "series": "price", "value": [v for _, _, v in rows], "currency": [c for c, _, _ in rows],
    })


def rate_frame(rows) -> pd.DataFrame:
    return pd.DataFrame({
        "currency": [c for c, _, _ in rows], "date": pd.to_datetime([START + dt.timedelta(d) for _, d, _ in rows]),
        "eur_rate": [1.0 if c == "EUR" else r for c, _, r in rows], "usd_rate": [r for _, _, r in rows],
    }).astype({"eur_rate": float, "usd_rate": float})


def reference_convert(obs, rate_rows, target):
    """For each observation: the latest rate on or before its date, by a plain scan."""
    out = {}
    for currency, day, value in obs:
        if currency == target:
            out[(currency, day)] = (value, False)
            continue
        earlier = [(d, r) for c, d, r in rate_rows if c == currency and d <= day]
        if not earlier:
            out[(currency, day)] = (None, True)
            continue
        d, r = max(earlier)
        rate = 1.0 if (target == "EUR" and currency == "EUR") else r
        out[(currency, day)] = (value * rate, d != day)
    return out


@settings(max_examples=60, deadline=None)
@given(observations, rates, st.sampled_from(["EUR", "USD"]))
def test_conversion_matches_a_plain_nearest_earlier_scan(obs, rate_rows, target):
    got = convert(frame(obs), rate_frame(rate_rows), target)
    expected = reference_convert(obs, rate_rows, target)
    assert len(got) == len(obs)
    for row in got.itertuples():
        currency = "CAD" if row.system == "sys-cad" else "EUR"
        value, estimated = expected[(currency, (row.date.date() - START).days)]
        if value is None:
            assert pd.isna(row.value) and row.rate_estimated
        else:
            assert row.value == pytest.approx(value, rel=1e-12)
            assert bool(row.rate_estimated) == estimated


@settings(max_examples=60, deadline=None)
@given(observations, st.sampled_from(["weekly", "monthly", "annual"]))
def test_aggregation_matches_plain_period_means(obs, freq):
    data = frame(obs).assign(rate_estimated=False)
    got = aggregate(data, freq)
    buckets = defaultdict(list)
    for currency, day, value in obs:
        date = START + dt.timedelta(day)
        if freq == "weekly":
            start = date - dt.timedelta(date.weekday())
        elif freq == "monthly":
            start = date.replace(day=1)
        else:
            start = date.replace(month=1, day=1)
        buckets[(f"sys-{currency.lower()}", start)].append(value)
    expected = {key: sum(v) / len(v) for key, v in buckets.items()}
    assert {(r.system, r.date.date()): r.value for r in got.itertuples()} == pytest.approx(expected, rel=1e-12)


given_rates = st.lists(
    st.tuples(st.sampled_from(["NZD", "CAD", "EUR"]), st.integers(min_value=0, max_value=15),
              st.sampled_from([None, 0.5, 0.5000001, 0.7]), st.sampled_from([None, 1.1, 1.2])),
    max_size=50,
)


def reference_merge_rates(rows, rtol=1e-6):
    """Per (currency, day), in sorted order: the first given EUR and USD rates, and whether given ones differ."""
    given = defaultdict(lambda: ([], []))
    for currency, day, eur, usd in rows:
        bucket = given[(currency, day)]  # a key whose rates are all missing still counts
        for kind, rate in enumerate((eur, usd)):
            if rate is not None:
                bucket[kind].append(rate)
    out, conflicts = {}, 0
    for key in sorted(given):
        eurs, usds = given[key]
        out[key] = (eurs[0] if eurs else None, usds[0] if usds else None)
        conflicts += any(abs(min(v) - max(v)) > 1e-8 + rtol * abs(max(v)) for v in (eurs, usds) if v)
    return out, conflicts


@settings(max_examples=80, deadline=None)
@given(given_rates)
def test_merge_rates_matches_the_reference(rows):
    table = pd.DataFrame({
        "currency": [c for c, *_ in rows], "date": pd.to_datetime([START + dt.timedelta(d) for _, d, _, _ in rows]),
        "eur_rate": [e for *_, e, _ in rows], "usd_rate": [u for *_, u in rows],
    }).astype({"currency": object, "eur_rate": float, "usd_rate": float})
    merged, warnings = merge_rates(table)
    expected, conflicts = reference_merge_rates(rows)
    got = {
        (c, (d - pd.Timestamp(START)).days): tuple(None if pd.isna(r) else r for r in (e, u))
        for c, d, e, u in merged[["currency", "date", "eur_rate", "usd_rate"]].itertuples(index=False)
    }
    assert got == expected and list(got) == list(expected)  # same keys, values and (sorted) order
    assert [w.message.split(" ")[0] for w in warnings if w.code == "rate_conflict"] == ([str(conflicts)] if conflicts else [])
