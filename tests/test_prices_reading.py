"""Reading ICAP exports and tidy CSVs into the tidy table (pure library, no database)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from etsatlas.prices import load, read_price_bytes, read_price_file
from etsatlas.prices.aliases import ALIASES, parse_group_name, system_id_for
from etsatlas.prices.levels import LEVELS, STABILITY_RULES
from etsatlas.prices.samples import sample_export

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "icap-prices"
NEWER = SHARED / "icap_prices_20260227.csv"
OLDER = SHARED / "icap_prices_20260119.csv"
needs_exports = pytest.mark.skipif(not NEWER.exists() or not OLDER.exists(), reason="ICAP exports in ../shared absent")

# Written by hand from the file's row 1, independently of etsatlas.prices.aliases.
ICAP_TITLES = {
    "Québec Cap-and-Trade System": "qc-cat", "Ontario Cap-and-Trade Program (2017-2018)": "on-cat",
    "Nova Scotia Cap-and-Trade Program (2019-2022)": "ns-cat", "Switzerland Emissions Trading System": "ch-ets",
    "China National Emissions Trading System": "cn-ets", "Shenzhen (Pilot) Emissions Trading System": "cn-shenzhen",
    "Shanghai (Pilot) Emissions Trading System": "cn-shanghai", "Beijing (Pilot) Emissions Trading System": "cn-beijing",
    "Guangdong (Pilot) Emissions Trading System": "cn-guangdong", "Tianjin (Pilot) Emissions Trading System": "cn-tianjin",
    "Hubei (Pilot) Emissions Trading System": "cn-hubei", "Chongqing (Pilot) Emissions Trading System": "cn-chongqing",
    "Fujian (Pilot) Emissions Trading System": "cn-fujian", "German National Emissions Trading System": "de-nehs",
    "European Union Emissions Trading System (until 2018)": "eu-ets",
    "European Union Emissions Trading System (from 2019, download)": "eu-ets",
    "United Kingdom Emissions Trading Scheme (download)": "uk-ets", "Korean Emissions Trading System": "kr-ets",
    "New Zealand Emissions Trading System (Up to 2023)": "nz-ets", "New Zealand Emissions Trading System (From 2024)": "nz-ets",
    "Regional Greenhouse Gas Initiative": "rggi", "Washington Cap-and-Invest Program (download)": "wa-cci",
    "California Cap-and-Trade Program (download)": "ca-cat",
}


def raw_columns(path: Path) -> list[tuple[str, str, list[str], list[str]]]:
    """(group title, header, dates, cells) per column, with the csv module only."""
    rows = list(csv.reader(path.read_text(encoding="utf-8").splitlines()))
    titles, headers, body = rows[0], rows[1], rows[2:]
    out, title = [], ""
    for i in range(1, len(headers)):
        if titles[i].strip():
            title = titles[i]
        if headers[i].strip():
            out.append((title, headers[i], [r[0] for r in body], [r[i].strip() for r in body]))
    return out


def raw_counts(path: Path) -> dict[tuple[str, str], int]:
    counts: dict[tuple[str, str], int] = {}
    for title, header, _, cells in raw_columns(path):
        market = header.split()[0].lower()
        if header.endswith("Market") or "Stability" in header:
            key = (ICAP_TITLES[title], market)
            counts[key] = counts.get(key, 0) + sum(1 for c in cells if c)
    return counts


@pytest.fixture(scope="module")
def newer():
    if not NEWER.exists():
        pytest.skip("ICAP exports in ../shared absent")
    return read_price_file(NEWER)


@needs_exports
@pytest.mark.parametrize("path", [NEWER, OLDER], ids=["20260227", "20260119"])
def test_counts_per_system_and_market_match_the_raw_file(path):
    price_file = read_price_file(path)
    expected = raw_counts(path)
    got = {(s, m): n for s, markets in price_file.counts().items() for m, n in markets.items()}
    assert got == expected


@needs_exports
@pytest.mark.parametrize(("system", "market", "series", "date", "value"), [
    ("eu-ets", "primary", "price", "2025-12-15", 84.60),
    ("uk-ets", "primary", "price", "2025-12-10", 55.11),
    ("cn-ets", "secondary", "price", "2025-12-31", 75.80),
    ("kr-ets", "secondary", "price", "2025-12-30", 10400),
    ("rggi", "primary", "price", "2025-12-03", 29.46),
    ("rggi", "secondary", "price", "2025-12-31", 26.39),
    ("qc-cat", "primary", "price_ceiling", "2025-11-19", 133.47),
    ("qc-cat", "primary", "ccr_tier_1", "2025-11-19", 85.03),
    ("nz-ets", "primary", "auction_reserve_price", "2025-09-10", 68),
    ("nz-ets", "primary", "ccr_tier_2", "2025-09-10", 242),
    ("nz-ets", "secondary", "fixed_price_option", "2020-06-02", 35),
    ("eu-ets", "primary", "price", "2013-04-18", 2.75),
])
def test_values_at_dates_match_the_knowledge_base(newer, system, market, series, date, value):
    """Values cited by ../shared/reference/ets-facts.yaml (and the raw file)."""
    obs = newer.observations
    row = obs[(obs.system == system) & (obs.market == market) & (obs.series == series) & (obs.date == pd.Timestamp(date))]
    assert len(row) == 1
    assert row["value"].iloc[0] == pytest.approx(value)


@needs_exports
def test_stitched_eu_primary_is_one_continuous_series(newer):
    raw = {title: sum(1 for c in cells if c) for title, header, _, cells in raw_columns(NEWER)
           if title.startswith("European Union") and header == "Primary Market"}
    eu = newer.observations.query("system == 'eu-ets' and market == 'primary' and series == 'price'")
    assert len(eu) == sum(raw.values())
    assert eu["date"].is_monotonic_increasing and eu["date"].is_unique
    gaps = eu["date"].diff().dt.days
    assert gaps.max() <= 60  # auctions pause in August and at year end, never longer
    last_2018, first_2019 = eu[eu.date < "2019-01-01"]["date"].max(), eu[eu.date >= "2019-01-01"]["date"].min()
    assert (first_2019 - last_2018).days <= 31  # no hole at the seam
    seam = eu[(eu.date >= "2018-12-01") & (eu.date <= "2019-01-31")]
    assert seam["date"].min() < pd.Timestamp("2019-01-01") < seam["date"].max()
    assert seam["value"].max() / seam["value"].min() < 1.5


@needs_exports
def test_stitched_nz_secondary_covers_both_groups(newer):
    nz = newer.observations.query("system == 'nz-ets' and market == 'secondary' and series == 'price'")
    assert len(nz) == 3601 + 422
    assert nz["date"].is_monotonic_increasing and nz["date"].is_unique
    assert nz["date"].min() == pd.Timestamp("2009-03-09") and nz["date"].max() == pd.Timestamp("2025-09-30")
    before = nz[nz.date <= "2023-12-31"]["value"].iloc[-1]
    after = nz[nz.date >= "2024-01-01"]["value"].iloc[0]
    assert 0.5 < after / before < 2


@needs_exports
def test_conversion_uses_the_files_own_rates(newer):
    """EUR values of Québec equal price x 'Exchange rate CAD/EUR' on the same row of the raw file."""
    columns = {h: cells for t, h, _, cells in raw_columns(NEWER) if t == "Québec Cap-and-Trade System"}
    dates = next(d for t, h, d, _ in raw_columns(NEWER) if t == "Québec Cap-and-Trade System")
    expected = {
        pd.Timestamp(d): float(p) * float(r)
        for d, p, r in zip(dates, columns["Primary Market"], columns["Exchange rate CAD/EUR"]) if p
    }
    got = load(newer, systems="qc-cat", market="primary", currency="EUR")
    assert len(got) == len(expected)
    assert not got["rate_estimated"].any()
    for date, value in zip(got["date"], got["value"]):
        assert value == pytest.approx(expected[date], rel=1e-12)


@needs_exports
def test_usd_conversion_of_korea_uses_krw_usd(newer):
    columns = {h: cells for t, h, _, cells in raw_columns(NEWER) if t == "Korean Emissions Trading System"}
    dates = next(d for t, h, d, _ in raw_columns(NEWER) if t == "Korean Emissions Trading System")
    i = dates.index("2025-12-30")
    got = load(newer, systems="kr-ets", market="secondary", currency="USD", start="2025-12-30", end="2025-12-30")
    assert got["value"].iloc[0] == pytest.approx(float(columns["Secondary Market"][i]) * float(columns["Exchange rate KRW/USD"][i]))


@needs_exports
def test_rggi_2018_stability_3_is_kept_as_a_generic_level_with_a_warning(newer):
    assert [w.code for w in newer.warnings] == ["unnamed_level"]
    generic = newer.observations.query("system == 'rggi' and series == 'primary_stability_3'")
    assert list(generic["date"]) == [pd.Timestamp("2018-03-12")]


def test_missing_rate_uses_the_nearest_earlier_one_and_flags_it():
    data = (
        "system,date,market,series,value,currency,eur_rate,usd_rate\n"
        "nz-ets,2024-01-02,secondary,price,50,NZD,0.5,0.6\n"
        "nz-ets,2024-01-05,secondary,price,60,NZD,,\n"
        "eu-ets,2024-01-05,secondary,price,70,EUR,1,1.1\n"
    ).encode()
    frame = load(read_price_bytes(data, "tidy.csv"), currency="EUR", market="secondary").set_index(["system", "date"])
    assert frame.loc[("nz-ets", pd.Timestamp("2024-01-05")), "value"] == pytest.approx(30)
    assert frame.loc[("nz-ets", pd.Timestamp("2024-01-05")), "rate_estimated"]
    assert not frame.loc[("nz-ets", pd.Timestamp("2024-01-02")), "rate_estimated"]
    assert frame.loc[("eu-ets", pd.Timestamp("2024-01-05")), "value"] == 70


@pytest.mark.parametrize(("options", "layout", "encoding"), [
    ({}, "icap-2026", "utf-8"),
    ({"day_first": True}, "icap-dayfirst", "utf-8"),
    ({"day_first": True, "encoding": "cp1252", "reference": True}, "icap-dayfirst", "cp1252"),
    ({"accents": False, "reference": True}, "icap-reference", "utf-8"),
])
def test_every_vintage_reads_to_the_same_prices(options, layout, encoding):
    reference = read_price_bytes(sample_export(), "a.csv").observations
    price_file = read_price_bytes(sample_export(**options), "b.csv")
    assert (price_file.layout, price_file.encoding) == (layout, encoding)
    got = price_file.observations[price_file.observations.market != "reference"]
    cols = ["system", "date", "market", "series", "value", "currency"]
    pd.testing.assert_frame_equal(got[cols].reset_index(drop=True), reference[cols].reset_index(drop=True))


def test_column_order_inside_groups_does_not_matter():
    rows = list(csv.reader(sample_export().decode().splitlines()))
    # Swap "Primary Market" and "Primary Stability 1" of the first group in every row.
    for row in rows:
        row[4], row[5] = row[5], row[4]
    text = "\n".join(",".join(f'"{c}"' for c in row) for row in rows)
    price_file = read_price_bytes(text.encode(), "swapped.csv")
    original = read_price_bytes(sample_export(), "a.csv")
    cols = ["system", "date", "market", "series", "value"]
    pd.testing.assert_frame_equal(price_file.observations[cols], original.observations[cols])


def test_download_group_repeating_a_series_is_counted_once_and_disagreements_reported():
    rows = list(csv.reader(sample_export().decode().splitlines()))
    # Rename "(until 2018)" to plain and add a "(download)" copy by renaming the 2019 group's title:
    rows[0] = [t.replace("(from 2019, download)", "(download)").replace(" (until 2018)", "") for t in rows[0]]
    text = "\n".join(",".join(f'"{c}"' for c in row) for row in rows).encode()
    price_file = read_price_bytes(text, "dup.csv")
    eu = price_file.observations.query("system == 'eu-ets' and market == 'primary'")
    assert eu["date"].is_unique and len(eu) == 4
    # Now make the two groups overlap on one date with different values.
    rows2 = [list(r) for r in rows]
    target = next(r for r in rows2[2:] if r[0] == "2018-12-17")
    target[13:17] = ["1.0", "1.08", "EUR", "99"]  # the download group's rates, currency, Primary Market
    text2 = "\n".join(",".join(f'"{c}"' for c in row) for row in rows2).encode()
    price_file2 = read_price_bytes(text2, "disagree.csv")
    codes = [w.code for w in price_file2.warnings]
    assert "series_disagree" in codes
    obs = price_file2.observations
    kept = obs[(obs.system == "eu-ets") & (obs.market == "primary") & (obs.date == pd.Timestamp("2018-12-17"))]
    assert kept["value"].iloc[0] == pytest.approx(24.3)  # the chart group wins over "(download)"


@pytest.mark.parametrize(("title", "system"), [
    ("Québec Cap-and-Trade System", "qc-cat"),
    ("Quebec Cap-and-Trade System", "qc-cat"),
    ("European Union Emissions Trading System (until 2018)", "eu-ets"),
    ("European Union Emissions Trading System (from 2019, download)", "eu-ets"),
    ("New Zealand Emissions Trading System (From 2024)", "nz-ets"),
    ("Shenzhen Emissions Trading System", "cn-shenzhen"),
    ("California Cap-and-Trade Program (download)", "ca-cat"),
    ("Atlantis Emissions Trading System", None),
])
def test_alias_table_maps_icap_names_to_knowledge_base_ids(title, system):
    assert system_id_for(title) == system


def test_group_name_parsing_keeps_period_and_download_flag():
    name = parse_group_name("European Union Emissions Trading System (from 2019, download)")
    assert (name.base, name.period, name.download) == ("european union emissions trading system", "from 2019", True)


def test_alias_and_level_tables_use_knowledge_base_ids():
    facts = Path(__file__).resolve().parents[1].parent / "shared" / "reference" / "ets-facts.yaml"
    if not facts.exists():
        pytest.skip("../shared/reference absent")
    import yaml

    ids = {entry["id"] for entry in yaml.safe_load(facts.read_text(encoding="utf-8"))}
    assert set(ALIASES.values()) <= ids
    assert {r.system for r in STABILITY_RULES} <= ids
    assert {r.level for r in STABILITY_RULES} <= set(LEVELS)


def test_level_rules_do_not_overlap():
    seen: dict[tuple[str, str], list[tuple[dt.date, dt.date]]] = {}
    for rule in STABILITY_RULES:
        span = (rule.valid_from or dt.date.min, rule.valid_until or dt.date.max)
        for other in seen.get((rule.system, rule.column), []):
            assert span[1] < other[0] or other[1] < span[0], rule
        seen.setdefault((rule.system, rule.column), []).append(span)


def test_tidy_output_has_provenance_on_every_row():
    price_file = read_price_bytes(sample_export(), "sample.csv")
    tidy = price_file.tidy()
    assert list(tidy.columns[:8]) == ["system", "date", "market", "series", "value", "currency", "eur_rate", "usd_rate"]
    assert (tidy["file"] == "sample.csv").all() and (tidy["sha256"].str.len() == 64).all()
    row = tidy.query("system == 'qc-cat' and series == 'price_ceiling'").iloc[0]
    line = sample_export().decode().splitlines()[row["line"] - 1]
    assert next(csv.reader([line]))[row["column"] - 1] == f"{row['value']:g}"
    assert not np.isnan(tidy["eur_rate"]).any()
