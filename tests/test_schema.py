"""The factsheet schema: descriptions everywhere, shorthand facts, precise errors, round trips."""

from __future__ import annotations

import typing

import pytest
from pydantic import BaseModel, ValidationError

from etsatlas.schema import Fact, Factsheet
from etsatlas.schema.loading import (
    FactsheetError,
    dump_factsheet_yaml,
    factsheet_to_data,
    load_factsheets,
    parse_factsheet_yaml,
)

MINIMAL = """\
id: test-ets
name: Test Emissions Trading System
jurisdictions: [Testland]
level: national
region: europe
status: {current: in_force, start_year: 2020}
as_of: 2026-01-01
sources:
  - {url: "https://example.org/test", as_of: 2026-01-01}
"""


def _models(model: type[BaseModel], seen: set) -> typing.Iterator[type[BaseModel]]:
    if model in seen:
        return
    seen.add(model)
    yield model
    for field in model.model_fields.values():
        for arg in _flatten(field.annotation):
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                yield from _models(arg, seen)


def _flatten(annotation) -> list:
    args = typing.get_args(annotation)
    if not args:
        return [annotation]
    return [annotation, *[a for arg in args for a in _flatten(arg)]]


def test_every_factsheet_field_has_a_description():
    missing = [
        f"{model.__name__}.{name}"
        for model in _models(Factsheet, set())
        if not model.__name__.startswith("Fact[")
        for name, field in model.model_fields.items()
        if not field.description and name != "id"
    ]
    assert missing == []


def test_fact_plain_value_is_certain_and_dict_keeps_uncertainty():
    assert Fact[int].model_validate(5) == Fact[int](value=5, uncertain=False)
    fact = Fact[float].model_validate({"value": 1.5, "uncertain": True})
    assert fact.value == 1.5 and fact.uncertain
    assert str(fact) == "1.5 (uncertain)"
    assert str(Fact[int]()) == "unknown"


def test_minimal_factsheet_parses_and_unknowns_stay_empty():
    sheet, problems = parse_factsheet_yaml(MINIMAL, "mini.yaml")
    assert problems == []
    assert sheet.cap.values == [] and sheet.scope.coverage_share_pct is None
    assert sheet.status.start_year.value == 2020


@pytest.mark.parametrize(
    ("patch", "field", "line"),
    [
        ("level: national\n", "level", 4),
        ("scope: {coverage_share_pct: 140}\n", "scope", 10),
        ("cap: {values: [{year: 2024, value: lots}]}\n", "cap.values[0].value", 10),
        ("price_management: {floor: {exists: true, value: 50, currency: USD}, "
         "ceiling: {exists: true, value: 20, currency: USD}}\n", "price_management", 10),
        ("compliance: {penalty: {amount: 10, currency: euro}}\n", "compliance.penalty.currency", 10),
        ("colour: green\n", "colour", 10),
    ],
)
def test_invalid_field_is_reported_with_file_line_system_and_path(patch, field, line):
    text = MINIMAL.replace("level: national\n", "level: county\n") if patch == "level: national\n" else MINIMAL + patch
    sheet, problems = parse_factsheet_yaml(text, "systems/test-ets.yaml")
    assert sheet is None
    assert problems, "an invalid record must produce a problem"
    problem = problems[0]
    assert problem.file == "systems/test-ets.yaml"
    assert problem.system == "test-ets"
    assert problem.field.startswith(field)
    assert problem.line == line
    assert f"systems/test-ets.yaml:{line} [test-ets] {problem.field}" in str(problem)


def test_end_year_before_start_year_is_rejected():
    with pytest.raises(ValidationError, match="before start_year"):
        Factsheet.model_validate({
            **_minimal_data(), "status": {"current": "abolished", "start_year": 2015, "end_year": 2012}})


def test_load_factsheets_collects_every_problem(tmp_path):
    (tmp_path / "test-ets.yaml").write_text(MINIMAL.replace("national", "county"), encoding="utf-8")
    (tmp_path / "other.yaml").write_text(MINIMAL.replace("test-ets", "other").replace("europe", "mars"), encoding="utf-8")
    with pytest.raises(FactsheetError) as info:
        load_factsheets(tmp_path.glob("*.yaml"))
    fields = sorted(p.field for p in info.value.problems)
    assert fields == ["level", "region"]
    assert "2 problem(s)" in str(info.value)


def test_file_name_must_match_id(tmp_path):
    (tmp_path / "wrong-name.yaml").write_text(MINIMAL, encoding="utf-8")
    with pytest.raises(FactsheetError, match="differs from file name"):
        load_factsheets([tmp_path / "wrong-name.yaml"])


def test_every_curated_factsheet_round_trips_through_yaml_and_json(factsheets):
    for sheet in factsheets:
        again, problems = parse_factsheet_yaml(dump_factsheet_yaml(sheet), f"{sheet.id}.yaml")
        assert problems == [], sheet.id
        assert again == sheet
        assert Factsheet.model_validate(factsheet_to_data(sheet)) == sheet


def _minimal_data() -> dict:
    import yaml

    return yaml.safe_load(MINIMAL)


def test_annual_cap_in_mt_skips_totals_and_other_units():
    from etsatlas.schema.factsheet import Cap

    cap = Cap.model_validate({"values": [
        {"year": 2023, "value": 300, "unit": "MtCO2e"},
        {"year": 2024, "value": {"value": 290, "uncertain": True}, "unit": "MtCO2e (million allowances)"},
        {"year": 2025, "period": "2021-2025 total", "value": 1500, "unit": "MtCO2e"},
        {"year": 2026, "value": 69.8, "unit": "million short tons CO2"},
    ]})
    assert cap.annual_mt() == 290
    assert cap.annual_mt(until_year=2023) == 300
    assert cap.annual_mt(until_year=2022) is None
    assert Cap.model_validate({"values": [{"year": 2027, "value": 69.8, "unit": "million short tons CO2"}]}).annual_mt() is None
