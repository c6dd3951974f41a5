"""Whole assessments on in-memory factsheets: JSON shape, overall status, checklist, what-if, preview."""

from __future__ import annotations

import doctest
import importlib

import pytest

from etsatlas.compat import AssessmentError, Edit, Status, WhatIfError, apply_edits, assess
from etsatlas.compat.examples import aligned_pair, example
from etsatlas.compat.preview import LATEST_PRICES_ONLY, Preview


@pytest.fixture
def pair():
    return list(aligned_pair())


def test_assessment_json_has_exactly_the_published_shape(pair):
    data = assess(pair).as_dict()
    assert set(data) == {"systems", "overall", "elements", "checklist"}
    assert data["systems"] == ["aa-ets", "bb-ets"]
    assert data["overall"] in {s.value for s in Status}
    for element in data["elements"]:
        assert set(element) == {"element", "status", "evidence", "why", "options"}
        assert set(element["evidence"]) == {"aa-ets", "bb-ets"}
        assert element["evidence"]["aa-ets"]["sources"] == ["https://example.org/aa-ets"]


def test_aligned_linked_pair_is_aligned_overall(pair):
    result = assess(pair)
    assert result.overall == Status.ALIGNED
    pathway = next(p for p in result.checklist if p["phase"] == "pathway")
    assert "already linked (since 2020)" in pathway["items"][0]["text"]


def test_overall_is_the_worst_element(pair):
    a, b = apply_edits(pair, [Edit.parse("bb-ets:compliance.penalty.make_good=false")])
    result = assess([a, b])
    assert result.overall == Status.BARRIER
    assert result.counts()["barrier"] == 1


def test_missing_data_keeps_overall_from_aligned(pair):
    a, b = apply_edits(pair, [Edit.parse("bb-ets:compliance.period=null")])
    assert assess([a, b]).overall == Status.NOT_ENOUGH_DATA


def test_uncertain_evidence_is_flagged(pair):
    a, b = apply_edits(pair, [Edit.parse('bb-ets:flexibility.banking={"value": "allowed", "uncertain": true}')])
    element = next(e for e in assess([a, b]).elements if e.key == "banking_borrowing")
    assert element.status == Status.ALIGNED
    assert element.evidence["bb-ets"].uncertain == ["flexibility.banking"]
    assert "uncertain" in element.why


def test_checklist_follows_the_linking_phases(pair):
    phases = [p["phase"] for p in assess(pair).checklist]
    assert phases == ["benefits_and_risks", "pathway", "design_alignment", "linking_agreement", "joint_management"]


@pytest.mark.parametrize("count", [1, 7])
def test_selection_of_fewer_than_two_or_more_than_six_is_refused(count):
    sheets = [example(f"s{i}-ets") for i in range(count)]
    with pytest.raises(AssessmentError):
        assess(sheets)


def test_whatif_floor_removed_flips_price_floor_and_leaves_original(pair):
    """Removing one floor flips 'price_floor' from aligned to needs alignment; the input is not touched."""
    before = {e.key: e.status for e in assess(pair).elements}
    edited = apply_edits(pair, [Edit.parse("aa-ets:price_management.floor.exists=false")])
    after = {e.key: e.status for e in assess(edited).elements}
    assert before["price_floor"] == Status.ALIGNED and after["price_floor"] == Status.NEEDS_ALIGNMENT
    assert pair[0].price_management.floor.exists.value is True


def test_whatif_adds_a_floor_to_a_system_without_one():
    b = example("bb-ets", price_management={"floor": {"exists": False}})
    (edited,) = apply_edits([b], [Edit.parse("bb-ets:price_management.floor.value=20")])
    assert edited.price_management.floor.exists.value is True and edited.price_management.floor.value.value == 20


def test_whatif_rejects_unknown_system_and_invalid_values(pair):
    with pytest.raises(WhatIfError, match="not among the systems"):
        apply_edits(pair, [Edit.parse("zz-ets:cap.type=absolute")])
    with pytest.raises(WhatIfError, match="cap.type"):
        apply_edits(pair, [Edit.parse("aa-ets:cap.type=enormous")])
    with pytest.raises(WhatIfError, match="SYSTEM:FIELD=VALUE"):
        Edit.parse("aa-ets cap.type absolute")


def test_preview_from_latest_prices_says_it_is_latest_prices_only(pair):
    a, b = apply_edits(pair, [Edit.parse('bb-ets:latest_prices=[{"value": 90, "currency": "EUR", "date": "2025-12-02", "basis": "auction"}]')])
    result = assess([a, b])
    assert result.preview.method == LATEST_PRICES_ONLY
    assert result.preview.price_range == (60.0, 90.0)
    assert result.preview.sellers == ["aa-ets"] and result.preview.buyers == ["bb-ets"]
    assert result.preview.flows_mt is None


def test_preview_uses_the_simulator_step_when_given(pair):
    def simulate(sheets, base):
        return Preview("market simulator", currency="EUR", price_range=(61.0, 61.0), flows_mt={"aa-ets": 0.0})

    assert assess(pair, simulate=simulate).preview.method == "market simulator"


@pytest.mark.parametrize("module", ["status", "examples", "whatif", "rules.flexibility", "rules.design"])
def test_compat_doctests_run(module):
    result = doctest.testmod(importlib.import_module(f"etsatlas.compat.{module}"))
    assert result.failed == 0


def test_checklist_names_the_missing_fields(pair):
    a, b = apply_edits(pair, [Edit.parse("bb-ets:flexibility.borrowing=null")])
    items = [i["text"] for p in assess([a, b]).checklist for i in p["items"]]
    assert "Banking and borrowing: complete the data before judging. Missing: bb-ets: flexibility.borrowing." in items
