"""Pages of the knowledge base: numbers from the data, filters, factsheets, comparison, errors."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from etsatlas.schema import Status

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return response.content.decode()


def test_home_status_counts_equal_those_computed_from_the_records(client, seeded):
    html = _text(client.get("/"))
    expected = Counter(s.status.current.value for s in seeded)
    for status in Status:
        match = re.search(rf'data-status="{status.value}">(\d+)<', html)
        assert match, status
        assert int(match.group(1)) == expected[status.value]


def test_home_lists_recently_updated_factsheets_and_the_map(client, seeded):
    html = _text(client.get("/"))
    assert 'id="ets-map"' in html and 'id="ets-map-data"' in html
    assert "Recently updated factsheets" in html
    assert "<script>" not in html  # no inline script: the CSP forbids it


def test_systems_list_shows_the_count_of_matches(client, seeded):
    html = _text(client.get("/systems/?status=abolished"))
    abolished = [s for s in seeded if s.status.current is Status.ABOLISHED]
    assert re.search(rf'id="match-count">{len(abolished)}<', html)
    for sheet in abolished:
        assert f'/systems/{sheet.id}/' in html


def test_systems_list_filters_apply_to_the_map(client, seeded):
    import json

    html = _text(client.get("/systems/?region=oceania"))
    data = json.loads(re.search(r'<script id="ets-map-data" type="application/json">(.*?)</script>', html, re.S).group(1))
    ids = {s["id"] for place in data["places"] for s in place["systems"]}
    assert ids == {s.id for s in seeded if s.region.value == "oceania"}


def test_invalid_filter_on_the_page_explains_itself(client, seeded):
    response = client.get("/systems/?status=active")
    assert response.status_code == 400
    assert "status" in _text(response) and "in_force" in _text(response)


def test_factsheet_page_shows_every_section_sources_and_as_of(client, seeded, eu_ets):
    html = _text(client.get("/systems/eu-ets/"))
    for section in ["Identity", "Status", "Scope and coverage", "Cap", "Allocation", "Flexibility",
                    "Price and supply management", "Compliance", "MRV, oversight and legal basis",
                    "Links", "Revenue", "Latest prices", "Sources"]:
        assert f">{section}</h2>" in html, section
    for source in eu_ets.sources:
        assert str(source.url).replace("&", "&amp;") in html
    assert "Facts as of" in html and eu_ets.as_of.strftime("%Y-%m-%d") in html
    from django.urls import reverse

    feed = reverse("library:feed-rss-scoped", args=["system", "eu-ets"])
    assert f'<link rel="alternate" type="application/rss+xml" title="Library resources on EU ETS (RSS)" href="{feed}">' in html


def test_factsheet_marks_uncertain_values_and_shows_unknowns(client, seeded, eu_ets):
    html = _text(client.get("/systems/eu-ets/"))
    assert eu_ets.cap.values[0].value.uncertain
    assert 'class="uncertain"' in html and 'class="uncertain-mark"' in html
    assert 'class="unknown"' in html  # e.g. the surrender deadline is not in the data
    assert eu_ets.compliance.deadline is None


def test_factsheet_of_unknown_system_is_a_helpful_404(client, seeded):
    response = client.get("/systems/atlantis-ets/")
    assert response.status_code == 404
    assert "All emissions trading systems" in _text(response)


def test_compare_highlights_differences_and_keeps_the_url_shareable(client, seeded):
    response = client.get("/compare/?systems=ca-cat,qc-cat")
    html = _text(response)
    assert response.status_code == 200
    assert 'href="/compare/?systems=ca-cat,qc-cat"' in html
    rows = re.findall(r'<tr class="(differs|same)"><th scope="row">([^<]+)', html)
    by_label = {label.strip(): kind for kind, label in rows}
    assert by_label["Jurisdictions"] == "differs"
    assert by_label["Status"] == "same"
    assert by_label["Linked"] == "same"


def test_compare_accepts_repeated_parameters_from_the_list_form(client, seeded):
    html = _text(client.get("/compare/?systems=eu-ets&systems=ch-ets&systems=uk-ets"))
    assert html.count('<th scope="col"><a href="/systems/') == 3


def test_compare_rejects_unknown_ids_and_more_than_four(client, seeded):
    assert client.get("/compare/?systems=eu-ets,atlantis").status_code == 404
    assert client.get("/compare/?systems=eu-ets,ch-ets,uk-ets,kr-ets,cn-ets").status_code == 400


def test_server_error_page_is_friendly(client, seeded):
    from django.test import RequestFactory

    from etsatlas.web.core.views import server_error

    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert b"Something went wrong" in response.content


def test_security_headers_are_set_on_pages(client, seeded):
    response = client.get("/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
