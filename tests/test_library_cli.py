"""`etsatlas library ...` and `etsatlas members list`: JSON output, filters, errors to stderr."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from etsatlas.cli.main import app
from etsatlas.web.library.seeding import seed_library
from etsatlas.web.partnership.seeding import seed_partnership


@pytest.fixture
def seeded_areas(db):
    seed_library()
    seed_partnership()


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def test_library_search_json_ranks_the_linking_guide_first(seeded_areas):
    result = run("library", "search", "linking", "--json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["results"][0]["id"] == "linking-guide" and body["count"] == 4
    assert body["facets"]["type"]["handbook"] == 2


def test_library_list_filters_by_type(seeded_areas):
    body = json.loads(run("library", "list", "--type", "brief", "--json").stdout)
    assert body["count"] == 7 and {r["type"] for r in body["results"]} == {"brief"}


def test_library_search_bad_option_fails_with_message(seeded_areas):
    result = run("library", "search", "x", "--sort", "best")
    assert result.exit_code == 2
    assert "unknown sort 'best'" in result.stderr


def test_members_list_by_status(seeded_areas):
    body = json.loads(run("members", "list", "--status", "observer", "--json").stdout)
    assert body["count"] == 7
    assert run("members", "list", "--status", "friend").exit_code == 2


def test_library_reindex_reports_its_count(seeded_areas):
    assert json.loads(run("library", "reindex", "--json").stdout) == {"reindexed": 22}
