"""Each rule of the link assessment, on small in-memory factsheets (etsatlas.compat.examples)."""

from __future__ import annotations

import pytest

from etsatlas.compat import RULES_BY_KEY, Edit, Status, apply_edits
from etsatlas.compat.examples import aligned_pair, example
from etsatlas.compat.rules import Context
from etsatlas.compat.rules.flexibility import period_kind


def check(key, sheets, fx=None):
    return RULES_BY_KEY[key].check(Context(sheets=list(sheets), fx=fx or {}))


def edited(*edits):
    """The aligned pair with edits applied (SYSTEM:FIELD=VALUE)."""
    return apply_edits(list(aligned_pair()), [Edit.parse(e) for e in edits])


def test_every_rule_aligned_on_the_aligned_pair():
    for key in RULES_BY_KEY:
        assert check(key, aligned_pair()).status == Status.ALIGNED, key


def test_every_rule_documents_reasoning_fields_and_options():
    for rule in RULES_BY_KEY.values():
        assert rule.reasoning and rule.why and rule.options and rule.fields, rule.key


def test_every_rule_reports_not_enough_data_on_bare_factsheets():
    """Bare factsheets know only identity and status: no rule may guess from that."""
    bare = [example("aa-ets"), example("bb-ets")]
    for key, rule in RULES_BY_KEY.items():
        expected = Status.ALIGNED if key == "legal_basis" else Status.NOT_ENOUGH_DATA
        assert rule.check(Context(sheets=bare)).status == expected, key


# cap type
def test_cap_type_absolute_against_intensity_is_barrier():
    assert check("cap_type", edited("bb-ets:cap.type=intensity")).status == Status.BARRIER


def test_cap_type_derived_from_mechanism_when_type_unknown():
    a = example("aa-ets", mechanism="cap_and_trade")
    b = example("bb-ets", mechanism="baseline_and_credit")
    finding = check("cap_type", [a, b])
    assert finding.status == Status.BARRIER
    assert finding.derived["bb-ets"]["cap kind"] == "none"


def test_cap_type_barrier_is_decided_despite_a_third_unknown():
    a, b = edited("bb-ets:cap.type=intensity")
    assert check("cap_type", [a, b, example("cc-ets")]).status == Status.BARRIER


def test_cap_type_two_intensity_systems_need_alignment():
    assert check("cap_type", edited("aa-ets:cap.type=intensity", "bb-ets:cap.type=intensity")).status == Status.NEEDS_ALIGNMENT


# ambition
def test_ambition_price_ratio_thresholds():
    def with_price(value):
        return edited(f'bb-ets:latest_prices=[{{"value": {value}, "currency": "EUR", "date": "2025-12-02", "basis": "auction"}}]')

    assert check("ambition", with_price(70)).status == Status.ALIGNED  # 70/60 = 1.17
    assert check("ambition", with_price(120)).status == Status.NEEDS_ALIGNMENT  # 2.0
    assert check("ambition", with_price(200)).status == Status.BARRIER  # 3.33


def test_ambition_across_currencies_needs_an_exchange_rate():
    pair = edited('bb-ets:latest_prices=[{"value": 50, "currency": "GBP", "date": "2025-12-02", "basis": "auction"}]')
    assert check("ambition", pair).status == Status.NOT_ENOUGH_DATA
    # 50 GBP at 1.2 EUR/GBP is 60 EUR: the same price.
    assert check("ambition", pair, fx={"EUR": 1.0, "GBP": 1.2}).status == Status.ALIGNED


def test_ambition_prefers_a_dated_price_to_an_annual_average():
    a = example("aa-ets", latest_prices=[
        {"value": 10, "currency": "EUR", "year": 2025, "basis": "annual average"},
        {"value": 30, "currency": "EUR", "date": "2025-06-01", "basis": "auction"},
    ])
    b = example("bb-ets", latest_prices=[{"value": 30, "currency": "EUR", "date": "2025-06-01", "basis": "auction"}])
    assert check("ambition", [a, b]).status == Status.ALIGNED


# currency
def test_currency_differs_needs_alignment():
    pair = edited('bb-ets:latest_prices=[{"value": 50, "currency": "GBP", "date": "2025-12-02", "basis": "auction"}]',
                  "bb-ets:price_management.floor.currency=GBP", "bb-ets:compliance.penalty.currency=GBP")
    finding = check("currency", pair)
    assert finding.status == Status.NEEDS_ALIGNMENT and "EUR, GBP" in finding.detail


def test_currency_short_tons_need_alignment():
    pair = edited('bb-ets:cap.values=[{"year": 2027, "value": 69.8, "unit": "million short tons CO2"}]')
    assert "short tons" in check("currency", pair).detail


# price floor
def test_floor_in_one_system_only_needs_alignment():
    assert check("price_floor", edited("bb-ets:price_management.floor.exists=false")).status == Status.NEEDS_ALIGNMENT


def test_floor_levels_far_apart_need_alignment():
    assert check("price_floor", edited("bb-ets:price_management.floor.value=40")).status == Status.NEEDS_ALIGNMENT


def test_floor_levels_in_other_currencies_compare_with_rates():
    pair = edited("bb-ets:price_management.floor.value=17", "bb-ets:price_management.floor.currency=GBP")
    assert check("price_floor", pair).status == Status.NOT_ENOUGH_DATA
    assert check("price_floor", pair, fx={"EUR": 1.0, "GBP": 1.18}).status == Status.ALIGNED


# ceiling and reserves
def test_hard_ceiling_in_one_system_is_barrier():
    assert check("price_ceiling", edited("aa-ets:price_management.ceiling.exists=true")).status == Status.BARRIER


def test_cost_containment_in_one_system_needs_alignment():
    assert check("price_ceiling", edited("aa-ets:price_management.cost_containment.exists=true")).status == Status.NEEDS_ALIGNMENT


def test_cost_containment_tiers_compared_by_first_trigger():
    tiers = '[{"trigger_price": 50, "currency": "EUR"}, {"trigger_price": 80, "currency": "EUR"}]'
    pair = edited("aa-ets:price_management.cost_containment.exists=true", f"aa-ets:price_management.cost_containment.tiers={tiers}",
                  "bb-ets:price_management.cost_containment.exists=true", f"bb-ets:price_management.cost_containment.tiers={tiers}")
    assert check("price_ceiling", pair).status == Status.ALIGNED


# stability
def test_stability_reserve_in_any_system_needs_alignment():
    assert check("market_stability", edited("aa-ets:price_management.stability_reserve.exists=true")).status == Status.NEEDS_ALIGNMENT


# offsets
def test_offsets_in_one_system_only_need_alignment():
    assert check("offsets", edited("aa-ets:flexibility.offsets.allowed=true")).status == Status.NEEDS_ALIGNMENT


def test_offset_limits_compared_within_one_point():
    both = ("aa-ets:flexibility.offsets.allowed=true", "bb-ets:flexibility.offsets.allowed=true")
    assert check("offsets", edited(*both)).status == Status.NOT_ENOUGH_DATA  # limits unknown
    same = edited(*both, "aa-ets:flexibility.offsets.limit_pct=8", "bb-ets:flexibility.offsets.limit_pct=8.5")
    assert check("offsets", same).status == Status.ALIGNED
    apart = edited(*both, "aa-ets:flexibility.offsets.limit_pct=4", "bb-ets:flexibility.offsets.limit_pct=8")
    assert check("offsets", apart).status == Status.NEEDS_ALIGNMENT


# banking and borrowing
def test_borrowing_in_one_system_needs_alignment():
    assert check("banking_borrowing", edited("aa-ets:flexibility.borrowing=limited")).status == Status.NEEDS_ALIGNMENT


# compliance timing
@pytest.mark.parametrize(("text", "kind"), [
    ("annual", "annual"),
    ("3-year compliance periods; surrender by 1 November", "multi-year"),
    ("multi-year compliance periods (3-4 years) with annual partial surrender", "multi-year"),
    ("annual (from 2023-2024; earlier two-year periods)", "annual"),
    ("3-year control periods with interim annual 50% surrender", "multi-year"),
    ("whenever the regulator decides", None),
])
def test_period_kind_reads_the_first_named_period(text, kind):
    assert period_kind(text) == kind


def test_compliance_periods_of_different_kinds_need_alignment():
    assert check("compliance_timing", edited("bb-ets:compliance.period=3-year compliance periods")).status == Status.NEEDS_ALIGNMENT


# penalties
def test_penalty_without_make_good_is_barrier():
    finding = check("penalties", edited("bb-ets:compliance.penalty.make_good=false"))
    assert finding.status == Status.BARRIER and "price ceiling" in finding.detail


# scope and allocation
def test_scope_differences_need_alignment_and_are_named():
    finding = check("scope", edited('bb-ets:scope.gases=["CO2", "CH4"]'))
    assert finding.status == Status.NEEDS_ALIGNMENT and "CH4" in finding.detail


def test_allocation_free_only_against_auctions_needs_alignment():
    assert check("allocation", edited('bb-ets:allocation.methods=["100% free, output-based benchmarking"]')).status == Status.NEEDS_ALIGNMENT


def test_allocation_compares_known_auction_shares():
    pair = edited("aa-ets:allocation.auction_share_pct=90", "bb-ets:allocation.auction_share_pct=30")
    assert check("allocation", pair).status == Status.NEEDS_ALIGNMENT


# governance
def test_unlinked_systems_need_mrv_review():
    a, b = edited("aa-ets:links=[]", "bb-ets:links=[]")
    assert check("mrv", [a, b]).status == Status.NEEDS_ALIGNMENT
    assert check("registry", [a, b]).status == Status.NEEDS_ALIGNMENT


def test_legal_basis_levels_differ_need_alignment():
    assert check("legal_basis", edited("bb-ets:level=subnational")).status == Status.NEEDS_ALIGNMENT


def test_legal_basis_abolished_system_is_barrier():
    assert check("legal_basis", edited("bb-ets:status.current=abolished")).status == Status.BARRIER
