"""The EU Market Stability Reserve rules, against the Commission's published intake figures."""

from __future__ import annotations

import pytest

from etsatlas.market.msr import RULES, TnacError, read_tnac_csv, schedule, whole

# TNAC published in May 2018 and May 2019, and the intake the Commission then announced.
TNAC_2017, INTAKE_JAN_AUG_2019 = 1_654_510_337, 264_721_654
TNAC_2018, INTAKE_2019_20 = 1_654_961_150, 397_190_676


def test_msr_2018_rules_reproduce_the_published_2019_intakes():
    periods = schedule({2017: TNAC_2017, 2018: TNAC_2018}, "2018")
    assert [p.as_dict()["period"] for p in periods] == ["2019-01/2019-08", "2019-09/2020-08"]
    assert [p.intake for p in periods] == [INTAKE_JAN_AUG_2019, INTAKE_2019_20]
    assert periods[-1].holdings == INTAKE_JAN_AUG_2019 + INTAKE_2019_20


def test_msr_2015_rules_take_twelve_percent_and_eight_twelfths_in_the_transition():
    periods = schedule({2016: 1.7e9, 2017: TNAC_2017, 2018: TNAC_2018}, "2015")
    assert [p.tnac_year for p in periods] == [2017, 2018]  # the 2016 TNAC falls before the MSR starts
    assert periods[0].intake == whole(0.12 * 8 / 12 * TNAC_2017)
    assert periods[1].intake == whole(0.12 * TNAC_2018)


def test_msr_2018_rate_halves_from_2024_inside_the_period():
    """Sept 2023-Aug 2024: four months at 24 %, eight at 12 %."""
    (p,) = schedule({2022: 1_134_783_587}, "2018")
    assert p.intake == whole(1_134_783_587 * (0.24 * 4 + 0.12 * 8) / 12)


def test_msr_2023_band_takes_the_surplus_above_833_million():
    (p,) = schedule({2024: 1_000_000_000}, "2023")
    assert p.intake == 167_000_000
    (q,) = schedule({2024: 1_200_000_000}, "2023")
    assert q.intake == whole(0.24 * 1_200_000_000)


def test_msr_release_below_400_million_is_limited_by_holdings():
    periods = schedule({2025: 350e6}, "2023", holdings=60e6)
    assert periods[0].release == 60_000_000 and periods[0].intake == 0
    periods = schedule({2025: 350e6}, "2015", holdings=500e6)
    assert periods[0].release == 100_000_000 and periods[0].holdings == 400_000_000


def test_msr_2023_invalidates_holdings_above_400_million_from_2024():
    """Sept 2024-Aug 2025: four months of intake, then on 1 January 2025 the excess goes."""
    periods = schedule({2023: 1.2e9}, "2023", holdings=900e6)
    assert periods[0].invalidated == 900_000_000 + whole(0.24 * 1.2e9) * 4 // 12 - 400_000_000
    assert periods[0].holdings == 400_000_000 + whole(0.24 * 1.2e9) * 8 // 12


def test_msr_2018_invalidation_needs_the_previous_auction_volume():
    periods = schedule({2021: 1.4e9}, "2018", holdings=2e9)
    assert periods[0].invalidated == 0 and "auction volume of 2022 missing" in periods[0].notes[0]
    periods = schedule({2021: 1.4e9}, "2018", holdings=2e9, auctioned={2022: 500e6})
    assert periods[0].invalidated == pytest.approx(2e9 + 4 / 12 * whole(0.24 * 1.4e9) - 500e6, abs=1)


def test_msr_rules_are_the_three_versions():
    assert sorted(RULES) == ["2015", "2018", "2023"]


def test_tnac_csv_errors_name_the_line():
    with pytest.raises(TnacError, match=r"TNAC.csv:3"):
        read_tnac_csv("year,tnac\n2017,1e9\n2018,many\n")
    with pytest.raises(TnacError, match="header"):
        read_tnac_csv("y,t\n")
