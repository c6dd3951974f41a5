"""`etsatlas compat`: table and JSON output, what-if edits, errors to stderr with a non-zero exit."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from etsatlas.cli.main import app
from etsatlas.compat.examples import aligned_pair
from etsatlas.web.atlas.models import System


@pytest.fixture
def systems(db):
    for sheet in aligned_pair():
        row = System(id=sheet.id)
        row.apply(sheet)
        row.save()


def test_compat_json_has_the_published_shape(systems):
    result = CliRunner().invoke(app, ["compat", "aa-ets", "bb-ets", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"systems", "overall", "elements", "checklist"} and data["overall"] == "aligned"


def test_compat_table_and_whatif_edit(systems):
    result = CliRunner().invoke(app, ["compat", "aa-ets", "bb-ets", "--edit", "bb-ets:compliance.penalty.make_good=false"])
    assert result.exit_code == 0, result.output
    assert "Penalties and enforcement" in result.stdout and "Overall: barrier" in result.stdout


@pytest.mark.parametrize(("args", "code", "message"), [
    (["aa-ets"], 2, "at least 2"),
    (["aa-ets", "nope"], 1, "no system with id 'nope'"),
    (["aa-ets", "bb-ets", "--edit", "bb-ets:cap.type=enormous"], 2, "invalid factsheet"),
])
def test_compat_errors_go_to_stderr(systems, args, code, message):
    result = CliRunner().invoke(app, ["compat", *args])
    assert result.exit_code == code
    assert message in result.stderr


def test_compat_help():
    result = CliRunner().invoke(app, ["compat", "--help"])
    assert result.exit_code == 0 and "--edit" in result.stdout and "--json" in result.stdout
