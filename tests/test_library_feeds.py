"""Library feeds: RSS 2.0 and Atom, for everything and per type, topic and system, parsed as a reader would."""

from __future__ import annotations

import feedparser
import pytest
from django.urls import reverse

from etsatlas.web.library.samples import system_examples
from etsatlas.web.library.seeding import seed_library


@pytest.fixture
def library(db):
    seed_library()
    return system_examples()


def parse(client, url: str):
    response = client.get(url)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


@pytest.mark.parametrize(("fmt", "version"), [("rss", "rss20"), ("atom", "atom10")])
def test_feed_of_all_resources_is_valid(client, library, fmt, version):
    feed = parse(client, reverse(f"library:feed-{fmt}"))
    assert feed.version == version
    assert len(feed.entries) == 25
    assert feed.entries[0].title == "Linking the Swiss and EU systems"  # most recently added first
    assert feed.entries[0].link.endswith(reverse("library:resource", args=["eu-swiss-link"]))


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [("type", "guide", {"A Guide to Linking Emissions Trading Systems"}),
     ("topic", "electricity", {"A conceptual framework for understanding interactions between carbon prices and electricity prices"}),
     ("system", "eu-ets", {"The market stability reserve explained", "Linking the Swiss and EU systems"})],
)
@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_scoped_feeds_hold_only_their_resources(client, library, fmt, kind, value, expected):
    feed = parse(client, reverse(f"library:feed-{fmt}-scoped", args=[kind, value]))
    assert {e.title for e in feed.entries} == expected


def test_feed_entries_carry_dates_and_authors(client, library):
    feed = parse(client, reverse("library:feed-atom-scoped", args=["system", "qc-cat"]))
    entry = feed.entries[0]
    assert entry.published.startswith("2020-01-15")
    assert entry.author == "Ana Example, Ben Example"


def test_unknown_feed_scope_is_404(client, library):
    assert client.get(reverse("library:feed-rss-scoped", args=["topic", "astrology"])).status_code == 404
