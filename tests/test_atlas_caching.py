"""Whole-response caching: keyed by the data version, one render per miss."""

from __future__ import annotations

import threading

import pytest
from django.core.cache import cache

from etsatlas.web.atlas.caching import _wait_for_other_render


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db
def test_cached_page_changes_as_soon_as_a_factsheet_is_published(client, seeded):
    from etsatlas.web.atlas.models import System

    before = client.get("/systems/eu-ets/").content
    assert client.get("/systems/eu-ets/").content == before
    row = System.objects.get(id="eu-ets")
    assert row.apply(row.factsheet().model_copy(update={"summary": "A freshly published summary."}))
    row.save()
    assert b"A freshly published summary." in client.get("/systems/eu-ets/").content


def test_a_miss_renders_itself_when_no_one_else_is_rendering():
    assert _wait_for_other_render("etsatlas:test:page", patience=0.5) is None
    assert cache.get("etsatlas:test:page:rendering") == 1  # others will now wait for this render


def test_a_miss_waits_for_the_render_in_progress():
    cache.add("etsatlas:test:page:rendering", 1)
    timer = threading.Timer(0.1, lambda: cache.set("etsatlas:test:page", "rendered"))
    timer.start()
    try:
        assert _wait_for_other_render("etsatlas:test:page", patience=3) == "rendered"
    finally:
        timer.cancel()


def test_a_miss_stops_waiting_for_a_render_that_never_finishes():
    cache.add("etsatlas:test:page:rendering", 1)
    assert _wait_for_other_render("etsatlas:test:page", patience=0.2) is None
