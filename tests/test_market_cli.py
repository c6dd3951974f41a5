"""The `etsatlas simulate` and `etsatlas msr schedule` commands."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from etsatlas.cli.main import app

EXAMPLES = Path(__file__).resolve().parents[1] / "src" / "etsatlas" / "market" / "examples"
runner = CliRunner()


def test_simulate_json_has_the_documented_keys():
    result = runner.invoke(app, ["simulate", str(EXAMPLES / "two_systems.yaml"), "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert set(out["autarky"]["A"]) == {"price", "abatement", "emissions", "net_imports", "cost"}
    assert set(out["linked"]["B"]) == {"price", "abatement", "emissions", "net_imports", "cost", "gain", "binding"}
    assert out["linked"]["A"]["price"] == 56.0


def test_simulate_with_samples_adds_distributions():
    result = runner.invoke(app, ["simulate", str(EXAMPLES / "two_systems.yaml"), "--json", "--samples", "200", "--seed", "4"])
    assert result.exit_code == 0, result.output
    samples = json.loads(result.stdout)["samples"]
    assert samples["n"] == 200 and samples["seed"] == 4
    assert set(samples["linked"]["A"]["price"]) == {"mean", "sd", "p5", "p50", "p95"}


def test_simulate_bad_scenario_names_file_line_and_field(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("systems:\n  - {id: A, bau: 100, cap: -5, mac: {type: linear, slope: 1}}\n")
    result = runner.invoke(app, ["simulate", str(bad)])
    assert result.exit_code == 2
    assert f"{bad}:2: systems[0].cap" in result.stderr


def test_every_example_scenario_runs():
    for path in sorted(EXAMPLES.glob("*.yaml")):
        result = runner.invoke(app, ["simulate", str(path), "--json"])
        assert result.exit_code == 0, (path.name, result.output)


def test_msr_schedule_json(tmp_path):
    csv = tmp_path / "tnac.csv"
    csv.write_text("year,tnac\n2017,1654510337\n2018,1654961150\n")
    result = runner.invoke(app, ["msr", "schedule", str(csv), "--rules", "2018", "--json"])
    assert result.exit_code == 0, result.output
    periods = json.loads(result.stdout)["periods"]
    assert [(p["period"], p["intake"]) for p in periods] == [("2019-01/2019-08", 264721654), ("2019-09/2020-08", 397190676)]


def test_msr_schedule_rejects_unknown_rules(tmp_path):
    csv = tmp_path / "tnac.csv"
    csv.write_text("year,tnac\n2017,1\n")
    result = runner.invoke(app, ["msr", "schedule", str(csv), "--rules", "2020"])
    assert result.exit_code == 2 and "2015, 2018, 2023" in result.stderr
