"""The systems API: every filter against an independent count, pagination, errors, caching."""

from __future__ import annotations

import csv
import io
import json

import pytest

from etsatlas.schema import Factsheet
from etsatlas.web.atlas.filters import FILTERS

pytestmark = pytest.mark.django_db


def _raw(factsheets) -> list[dict]:
    """Plain dictionaries: the oracle below reads these, not the filter code."""
    return [json.loads(s.model_dump_json()) for s in factsheets]


def _expected_ids(raw: list[dict], name: str, value: str) -> set[str]:
    def has(sheet: dict) -> bool:
        if name == "status":
            return sheet["status"]["current"] == value
        if name == "level":
            return sheet["level"] == value
        if name == "region":
            return sheet["region"] == value
        if name == "mechanism":
            return (sheet.get("mechanism") or {}).get("value") == value
        if name == "sector":
            return value in [c["sector"] for c in sheet["scope"]["sectors"]]
        if name == "gas":
            return value in sheet["scope"]["gases"]
        if name == "price_mechanism":
            part = (sheet["price_management"] or {}).get(
                {"floor": "floor", "ceiling": "ceiling", "cost_containment": "cost_containment",
                 "emissions_containment": "emissions_containment", "stability_reserve": "stability_reserve"}[value])
            return bool(part and part["exists"]["value"])
        if name == "linked":
            linked = any(link["type"] in {"two_way", "one_way", "restricted"} and not link.get("until")
                         for link in sheet["links"])
            return linked == (value == "true")
        raise AssertionError(name)

    return {s["id"] for s in raw if has(s)}


@pytest.mark.parametrize("flt", FILTERS, ids=lambda f: f.name)
def test_every_filter_value_matches_an_independent_count(client, seeded, flt):
    raw = _raw(seeded)
    for value in flt.allowed:
        response = client.get("/api/v1/systems", {flt.name: value, "limit": 500})
        assert response.status_code == 200
        body = response.json()
        assert {r["id"] for r in body["results"]} == _expected_ids(raw, flt.name, value), (flt.name, value)
        assert body["count"] == len(body["results"])


def test_filters_combine_with_and_and_values_with_or(client, seeded):
    raw = _raw(seeded)
    both = client.get("/api/v1/systems?status=in_force&level=national&sector=power&limit=500").json()
    expected = (_expected_ids(raw, "status", "in_force") & _expected_ids(raw, "level", "national")
                & _expected_ids(raw, "sector", "power"))
    assert {r["id"] for r in both["results"]} == expected
    either = client.get("/api/v1/systems?status=abolished,under_consideration&limit=500").json()
    assert either["count"] == len(_expected_ids(raw, "status", "abolished") | _expected_ids(raw, "status", "under_consideration"))


def test_text_search_finds_names_and_jurisdictions_without_accents(client, seeded):
    ids = {r["id"] for r in client.get("/api/v1/systems?q=quebec").json()["results"]}
    assert "qc-cat" in ids
    ids = {r["id"] for r in client.get("/api/v1/systems?q=massachusetts").json()["results"]}
    assert {"rggi", "ma-ets"} <= ids


def test_pagination_with_limit_and_offset_covers_every_system_once(client, seeded):
    seen = []
    for offset in range(0, len(seeded), 7):
        page = client.get("/api/v1/systems", {"limit": 7, "offset": offset}).json()
        assert page["count"] == len(seeded)
        seen += [r["id"] for r in page["results"]]
    assert sorted(seen) == sorted(s.id for s in seeded)


def test_sorting_descending_by_start_year(client, seeded):
    results = client.get("/api/v1/systems?sort=-start_year&status=in_force&limit=500").json()["results"]
    years = [r["start_year"] or 9999 for r in results]
    assert years == sorted(years, reverse=True)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=active", "status"),
        ("level=planet", "level"),
        ("sector=space", "sector"),
        ("linked=maybe", "linked"),
        ("limit=0", "limit"),
        ("limit=100000", "limit"),
        ("offset=-1", "offset"),
        ("limit=ten", "limit"),
        ("sort=colour", "sort"),
        ("format=pdf", "format"),
        ("colour=blue", "colour"),
    ],
)
def test_invalid_parameter_gives_400_naming_it(client, seeded, query, field):
    response = client.get(f"/api/v1/systems?{query}")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["status"] == 400
    assert error["field"] == field
    assert field in error["message"]


def test_unknown_system_gives_404_in_the_error_shape(client, seeded):
    response = client.get("/api/v1/systems/atlantis-ets")
    assert response.status_code == 404
    assert response.json() == {"error": {"status": 404, "code": "not_found",
                                         "message": "no system with id 'atlantis-ets'", "field": "system_id"}}


def test_detail_returns_a_valid_factsheet(client, seeded, eu_ets):
    body = client.get("/api/v1/systems/eu-ets").json()
    assert Factsheet.model_validate(body) == eu_ets


def test_etag_and_last_modified_allow_conditional_requests(client, seeded):
    first = client.get("/api/v1/systems/eu-ets")
    assert first["ETag"] and first["Last-Modified"]
    assert client.get("/api/v1/systems/eu-ets", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert client.get("/api/v1/systems", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    assert client.get("/api/v1/systems", HTTP_IF_NONE_MATCH='W/"stale"').status_code == 200


def test_etag_changes_when_a_factsheet_is_published(client, seeded):
    from etsatlas.web.atlas.models import System

    before = client.get("/api/v1/systems")["ETag"]
    row = System.objects.get(id="eu-ets")
    sheet = row.factsheet().model_copy(update={"summary": "Changed summary."})
    assert row.apply(sheet)
    row.save()
    after = client.get("/api/v1/systems")
    assert after["ETag"] != before
    assert client.get("/api/v1/systems/eu-ets").json()["summary"] == "Changed summary."


def test_csv_download_has_one_row_per_filtered_system(client, seeded):
    response = client.get("/api/v1/systems?status=in_force&format=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    api = client.get("/api/v1/systems?status=in_force&limit=500").json()
    assert [r["id"] for r in rows] == [r["id"] for r in api["results"]]
    assert all(r["status"] == "in_force" for r in rows)


def test_json_download_holds_whole_factsheets(client, seeded):
    response = client.get("/api/v1/systems?sector=aviation&format=json")
    docs = json.loads(response.content)
    assert docs and all(any(c["sector"] == "aviation" for c in d["scope"]["sectors"]) for d in docs)
    assert all(Factsheet.model_validate(d) for d in docs)


def test_published_json_schema_is_the_pydantic_schema(client):
    body = client.get("/api/v1/schema/factsheet.json").json()
    assert body["title"] == "Factsheet"
    assert set(Factsheet.model_json_schema()["properties"]) == set(body["properties"])
    assert body["properties"]["status"]["description"]


def test_openapi_documents_the_systems_endpoints_and_filters(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/systems" in spec["paths"] and "/api/v1/systems/{system_id}" in spec["paths"]
    params = {p["name"] for p in spec["paths"]["/api/v1/systems"]["get"]["parameters"]}
    assert {f.name for f in FILTERS} | {"limit", "offset", "q"} <= params
    assert client.get("/api/v1/docs").status_code == 200
