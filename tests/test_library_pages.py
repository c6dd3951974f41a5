"""Library pages: search page with facets and feed links, resource, person and organisation pages, includes."""

from __future__ import annotations

import re

import pytest
from django.template import Context, Template
from django.urls import reverse

from etsatlas.web.library.samples import system_examples
from etsatlas.web.library.seeding import seed_library


@pytest.fixture
def library(db):
    seed_library()
    return system_examples()


def count_of(html: str, css_class: str) -> list[int]:
    return [int(n) for n in re.findall(rf'class="{css_class}" data-count="(\d+)"', html)]


def test_library_page_shows_ranked_results_with_highlights(client, library):
    response = client.get(reverse("library:index"), {"q": "linking"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("A Guide to <mark>Linking</mark>") < html.index("ETS Brief #4: <mark>Linking</mark>")
    assert "<strong>6</strong> resources" in html


def test_library_page_links_its_feeds(client, library):
    html = client.get(reverse("library:index"), {"topic": "linking"}).content.decode()
    assert f'<link rel="alternate" type="application/rss+xml" title="Library: all resources (RSS)" href="{reverse("library:feed-rss")}">' in html
    assert reverse("library:feed-atom-scoped", args=["topic", "linking"]) in html


def test_library_page_facets_are_checkboxes_with_counts(client, library):
    html = client.get(reverse("library:index"), {"q": "linking", "type": "brief"}).content.decode()
    assert 'name="type" value="brief" checked' in html
    assert re.search(r'value="guide"> Guide <span class="count" data-count="1">', html)


def test_library_page_bad_parameter_is_explained(client, library):
    response = client.get(reverse("library:index"), {"year_from": "soon"})
    assert response.status_code == 400
    assert "year_from must be a year" in response.content.decode()


def test_library_page_has_no_inline_script(client, library):
    html = client.get(reverse("library:index")).content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)


def test_resource_page_shows_facts_and_links(client, library):
    html = client.get(reverse("library:resource", args=["wci-linked-market"])).content.decode()
    assert "A linked market in North America" in html
    assert reverse("library:person", args=["ana-example"]) in html
    assert "ca-cat" in html and "qc-cat" in html  # kept as ids when no factsheet is published
    assert "15 January 2020" in html


def test_resource_page_links_a_published_factsheet(client, library, eu_ets_published):
    html = client.get(reverse("library:resource", args=["msr-explained"])).content.decode()
    assert f'href="{reverse("atlas:system", args=["eu-ets"])}"' in html


def test_resource_page_shows_partial_and_unknown_dates(client, library):
    assert "March 2016" in client.get(reverse("library:resource", args=["handbook-2016"])).content.decode()
    assert "not known" in client.get(reverse("library:resource", args=["brief-2"])).content.decode()


def test_unknown_resource_is_404(client, library):
    assert client.get(reverse("library:resource", args=["nothing-here"])).status_code == 404


def test_person_page_counts_authored_items(client, library):
    html = client.get(reverse("library:person", args=["ana-example"])).content.decode()
    assert count_of(html, "count") == [2]
    assert "Example Climate Policy Lab" in html


def test_organisation_page_counts_published_and_produced_items(client, library):
    html = client.get(reverse("library:organisation", args=["icap"])).content.decode()
    assert count_of(html, "count") == [24, 0]  # 22 seeded publications + 2 examples; produced none
    lab = client.get(reverse("library:organisation", args=["example-lab"])).content.decode()
    assert count_of(lab, "count") == [0, 2]
    assert "Ana Example" in lab


def test_recent_include_lists_newest_additions(library):
    html = Template('{% include "library/_recent.html" %}').render(Context({}))
    assert html.count('class="resource-item"') == 5
    assert "Linking the Swiss and EU systems" in html  # added last


def test_related_include_lists_resources_of_the_system(library):
    html = Template('{% include "library/_related.html" %}').render(Context({"system_id": "eu-ets"}))
    assert "The market stability reserve explained" in html and "Linking the Swiss and EU systems" in html
    assert html.count('class="resource-item"') == 2
    empty = Template("{% load library_tags %}{% related_resources 'no-such-system' %}").render(Context({}))
    assert "No library resources are linked" in empty
    assert Template('{% include "library/_related.html" %}').render(Context({})).strip() == ""
