"""The etsatlas command: help everywhere, JSON output, errors on stderr, idempotent seed, exports."""

from __future__ import annotations

import csv
import io
import json

import pytest
import typer
import yaml
from typer.testing import CliRunner

from etsatlas.cli.main import app
from etsatlas.schema import Factsheet

runner = CliRunner()


def _commands(group: typer.Typer, prefix: tuple[str, ...] = ()):
    for info in group.registered_commands:
        yield (*prefix, info.name or info.callback.__name__)
    for sub in group.registered_groups:
        yield from _commands(sub.typer_instance, (*prefix, sub.name))


def test_every_command_has_help_text():
    commands = list(_commands(app))
    assert ("systems", "list") in commands and ("seed",) in commands
    for path in commands:
        result = runner.invoke(app, [*path, "--help"])
        assert result.exit_code == 0, path
        assert "Usage" in result.output
    for info in app.registered_commands:
        assert (info.callback.__doc__ or "").strip(), info.callback.__name__


@pytest.mark.django_db
def test_seed_twice_changes_nothing_the_second_time(factsheets):
    first = runner.invoke(app, ["seed", "--json"])
    assert first.exit_code == 0, first.output
    assert json.loads(first.output)["systems"]["created"] == len(factsheets)
    second = json.loads(runner.invoke(app, ["seed", "--json"]).output)
    assert second["systems"]["created"] == 0 and second["systems"]["updated"] == 0
    assert second["systems"]["unchanged"] == len(factsheets)


@pytest.mark.django_db
def test_systems_list_json_filters_by_status(seeded):
    result = runner.invoke(app, ["systems", "list", "--status", "under_consideration", "--json"])
    assert result.exit_code == 0
    rows = json.loads(result.output)
    assert {r["id"] for r in rows} == {s.id for s in seeded if s.status.current.value == "under_consideration"}


@pytest.mark.django_db
def test_systems_list_rejects_an_unknown_status_on_stderr(seeded):
    result = runner.invoke(app, ["systems", "list", "--status", "active"])
    assert result.exit_code == 2
    assert "status" in result.stderr and "in_force" in result.stderr


@pytest.mark.django_db
def test_systems_show_json_is_the_factsheet(seeded, eu_ets):
    result = runner.invoke(app, ["systems", "show", "eu-ets", "--json"])
    assert Factsheet.model_validate(json.loads(result.output)) == eu_ets


@pytest.mark.django_db
def test_systems_show_unknown_id_fails_with_a_hint(seeded):
    result = runner.invoke(app, ["systems", "show", "eu-etx"])
    assert result.exit_code == 1
    assert "no system with id 'eu-etx'" in result.stderr
    assert "eu-ets" in result.stderr


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["json", "yaml", "csv"])
def test_export_round_trips_every_factsheet(seeded, tmp_path, fmt):
    out = tmp_path / f"systems.{fmt}"
    result = runner.invoke(app, ["export", "--format", fmt, "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(text)))
        assert sorted(r["id"] for r in rows) == sorted(s.id for s in seeded)
        return
    docs = json.loads(text) if fmt == "json" else yaml.safe_load(text)
    assert sorted((Factsheet.model_validate(d) for d in docs), key=lambda s: s.id) == sorted(seeded, key=lambda s: s.id)


@pytest.mark.django_db
def test_check_reports_no_problems_on_the_curated_data(seeded):
    result = runner.invoke(app, ["check", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"ok": True, "problems": []}
