"""Library API: search with filters and facets, one resource, a person, an organisation; one error shape."""

from __future__ import annotations

import pytest

from etsatlas.web.library.samples import system_examples
from etsatlas.web.library.seeding import seed_library


@pytest.fixture
def library(db):
    seed_library()
    return system_examples()


def test_api_search_filters_by_text_type_and_system(client, library):
    body = client.get("/api/v1/resources", {"q": "linking", "type": "brief", "system": "ca-cat"}).json()
    assert body["count"] == 1
    assert body["results"][0]["resource"]["id"] == "wci-linked-market"
    assert "<mark>" in body["results"][0]["snippet_html"]


def test_api_search_ranks_and_counts_facets(client, library):
    body = client.get("/api/v1/resources", {"q": "linking"}).json()
    assert body["results"][0]["resource"]["id"] == "linking-guide"
    assert {f["value"]: f["count"] for f in body["facets"]["type"]}["handbook"] == 2
    ranks = [r["rank"] for r in body["results"]]
    assert ranks == sorted(ranks, reverse=True)


def test_api_resource_detail(client, library):
    body = client.get("/api/v1/resources/handbook-2016").json()
    assert body["date"] == "2016-03-01" and body["date_precision"] == "month"
    assert [p["id"] for p in body["publishers"]] == ["icap", "world-bank-pmr"]
    assert body["languages"] == sorted(["en", "zh", "es", "tr", "uk"])


def test_api_person_and_organisation_counts(client, library):
    person = client.get("/api/v1/people/ana-example").json()
    assert person["authored_count"] == 2 and person["affiliation"]["id"] == "example-lab"
    org = client.get("/api/v1/organisations/example-lab").json()
    assert (org["published_count"], org["produced_count"]) == (0, 2)


@pytest.mark.parametrize(
    ("url", "status", "field"),
    [("/api/v1/resources/nope", 404, "resource_id"), ("/api/v1/people/nobody", 404, "person_id"),
     ("/api/v1/organisations/none", 404, "org_id"), ("/api/v1/resources?type=poem", 400, "type"),
     ("/api/v1/resources?sort=best", 400, "sort")],
)
def test_api_errors_have_the_standard_shape(client, library, url, status, field):
    response = client.get(url)
    assert response.status_code == status
    error = response.json()["error"]
    assert error["status"] == status and error["field"] == field and error["message"]
