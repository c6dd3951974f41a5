"""Whole assessments of real pairs from the curated factsheets, each outcome explained.

The expectations follow from what the factsheets say (src/etsatlas/data/systems/), not from
what we know about the links: where a factsheet is silent, the element is "not enough data".
"""

from __future__ import annotations

import pytest

from etsatlas.compat import Edit, Status, apply_edits, assess


@pytest.fixture(scope="module")
def by_id(factsheets):
    return {s.id: s for s in factsheets}


def run(by_id, *ids, fx=None, edits=()):
    sheets = apply_edits([by_id[i] for i in ids], [Edit.parse(e) for e in edits])
    result = assess(sheets, fx=fx)
    return result, {e.key: e.status for e in result.elements}


def pathway_text(result):
    return next(p for p in result.checklist if p["phase"] == "pathway")["items"][0]["text"]


def test_california_quebec_linked_since_2014_has_no_barrier(by_id):
    """Linked since 2014: caps absolute, multi-year compliance on both sides, and the link itself
    stands for mutual recognition of MRV, registry (one shared) and oversight. What remains is real:
    offset limits differ (California 6 %, Québec 8 %), prices are in USD and CAD, and California
    also lists other fluorinated gases."""
    result, status = run(by_id, "ca-cat", "qc-cat")
    assert Status.BARRIER not in status.values()
    assert result.overall == Status.NEEDS_ALIGNMENT
    assert status["cap_type"] == status["compliance_timing"] == Status.ALIGNED
    assert status["mrv"] == status["registry"] == status["oversight"] == Status.ALIGNED
    assert status["offsets"] == Status.NEEDS_ALIGNMENT
    assert status["currency"] == Status.NEEDS_ALIGNMENT
    assert "already linked (since 2014)" in pathway_text(result)


def test_california_quebec_price_levels_align_at_the_joint_auction_rate(by_id):
    """Québec's factsheet gives its auction reserve price as CAD 36.38, the equivalent of California's
    USD 25.87 at the November 2025 joint auction. At that implied rate the floors, the ceilings
    (USD 94.92 vs CAD 133.47) and the latest prices all match: one harmonised market."""
    fx = {"USD": 36.38 / 25.87, "CAD": 1.0}
    _, status = run(by_id, "ca-cat", "qc-cat", fx=fx)
    assert status["price_floor"] == Status.ALIGNED
    assert status["ambition"] == Status.ALIGNED
    # Ceilings match; California's reserve tiers have no trigger prices in the factsheet.
    assert status["price_ceiling"] == Status.NOT_ENOUGH_DATA


def test_eu_switzerland_linked_since_2020_has_no_barrier(by_id):
    """Linked since 2020: absolute caps, no offsets on either side, annual compliance and penalties
    with make-good in both. The EU's market stability reserve and the supranational/national
    levels remain points the link agreement handles."""
    result, status = run(by_id, "eu-ets", "ch-ets")
    assert Status.BARRIER not in status.values()
    assert result.overall == Status.NEEDS_ALIGNMENT
    for key in ("cap_type", "offsets", "compliance_timing", "penalties", "mrv"):
        assert status[key] == Status.ALIGNED, key
    assert status["market_stability"] == Status.NEEDS_ALIGNMENT
    assert "already linked (since 2020)" in pathway_text(result)


def test_eu_uk_not_linked_needs_alignment_of_the_floor(by_id):
    """Not linked (working towards it since May 2025): designs are close (absolute caps, no offsets,
    banking without borrowing, annual compliance with make-good), but the UK has an auction reserve
    price and the EU none, and without a link nothing stands in for the MRV and registry review."""
    result, status = run(by_id, "eu-ets", "uk-ets")
    assert result.overall == Status.NEEDS_ALIGNMENT
    for key in ("cap_type", "offsets", "banking_borrowing", "compliance_timing", "penalties"):
        assert status[key] == Status.ALIGNED, key
    assert status["price_floor"] == Status.NEEDS_ALIGNMENT
    assert status["mrv"] == Status.NOT_ENOUGH_DATA
    assert "already linked" not in pathway_text(result)


def test_eu_uk_whatif_without_the_uk_floor_aligns_floors(by_id):
    """What-if: without the UK auction reserve price, neither system has a floor."""
    _, status = run(by_id, "eu-ets", "uk-ets", edits=["uk-ets:price_management.floor.exists=false"])
    assert status["price_floor"] == Status.ALIGNED


def test_china_national_with_eu_is_barred_by_the_intensity_cap(by_id):
    """China's national ETS allocates by output-based intensity benchmarks, the EU caps absolute
    emissions: linked, Chinese units would flow into a market whose total no longer holds."""
    result, status = run(by_id, "cn-ets", "eu-ets")
    assert result.overall == Status.BARRIER
    assert status["cap_type"] == Status.BARRIER
    assert status["offsets"] == Status.NEEDS_ALIGNMENT  # China accepts CCERs, the EU no credits
    assert "restricted or one-way link" in pathway_text(result)


def test_china_national_whatif_absolute_cap_lifts_the_barrier(by_id):
    """What-if: China's planned absolute caps (from 2027) remove the only barrier."""
    result, status = run(by_id, "cn-ets", "eu-ets", edits=["cn-ets:cap.type=absolute"])
    assert status["cap_type"] == Status.ALIGNED
    assert result.overall == Status.NEEDS_ALIGNMENT


def test_korea_with_china_national_is_barred_by_the_intensity_cap(by_id):
    """Korea caps absolute emissions, China does not; their offset limits (5 % each) match."""
    result, status = run(by_id, "kr-ets", "cn-ets")
    assert result.overall == Status.BARRIER
    assert status["cap_type"] == Status.BARRIER
    assert status["offsets"] == Status.ALIGNED


def test_rggi_with_california_needs_alignment(by_id):
    """Both subnational, absolute caps, multi-year compliance, USD prices within 10 %; but RGGI's
    floor (USD 2.62) is far below California's (USD 25.87), offset limits differ, RGGI counts in short
    tons and covers CO2 from power only."""
    result, status = run(by_id, "rggi", "ca-cat")
    assert Status.BARRIER not in status.values()
    assert result.overall == Status.NEEDS_ALIGNMENT
    assert status["ambition"] == status["cap_type"] == status["compliance_timing"] == Status.ALIGNED
    for key in ("price_floor", "offsets", "scope", "currency"):
        assert status[key] == Status.NEEDS_ALIGNMENT, key
    currency = next(e for e in result.elements if e.key == "currency")
    assert "short tons" in currency.detail


def test_new_zealand_with_australia_safeguard_is_barred_by_baseline_and_credit(by_id):
    """The Safeguard Mechanism is baseline-and-credit, with no aggregate cap; New Zealand's ETS caps
    absolute emissions. Much of the Safeguard factsheet is silent (prices, flexibility, compliance),
    so those elements stay not enough data rather than guessed."""
    result, status = run(by_id, "nz-ets", "au-sgm")
    assert result.overall == Status.BARRIER
    assert status["cap_type"] == Status.BARRIER
    assert status["ambition"] == Status.NOT_ENOUGH_DATA
    assert result.preview.price_range is None and "au-sgm" in (result.preview.reason or "")
