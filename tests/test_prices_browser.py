"""The price explorer and the factsheet chart in a real browser (Debian chromium via Playwright)."""

from __future__ import annotations

import pytest

from browsing import chromium_page, requires_chromium
from etsatlas.prices.samples import sample_export

pytestmark = requires_chromium


@pytest.fixture
def browser_page(live_server, transactional_db, factsheets):
    from etsatlas.web.atlas.seeding import seed_systems
    from etsatlas.web.prices.importing import import_bytes

    seed_systems(factsheets)
    import_bytes(sample_export(), "sample.csv")
    with chromium_page() as (page, errors):
        yield page, live_server.url, errors


def test_explorer_draws_prices_and_levels_and_keeps_the_state_in_the_url(browser_page):
    page, url, errors = browser_page
    page.goto(url + "/prices/?systems=eu-ets&systems=qc-cat&currency=native&levels=1")
    page.wait_for_selector('#prices-chart[data-drawn="true"]', timeout=30_000)
    assert page.locator("#prices-chart g.trace.scatter").count() == 5  # EU primary+secondary, Québec price + 2 levels
    page.select_option("select[name=currency]", "USD")
    page.wait_for_url("**currency=USD**", timeout=15_000)
    page.wait_for_selector('#prices-chart[data-drawn="true"]', timeout=30_000)
    assert "USD per tonne" in page.locator("#prices-chart").inner_text()
    assert "systems=eu-ets" in page.url and "series=price_ceiling" in page.url
    page.uncheck("input[name=series][value=price_ceiling]")
    page.wait_for_url(lambda u: "price_ceiling" not in u, timeout=15_000)
    page.wait_for_selector('#prices-chart[data-drawn="true"]', timeout=30_000)
    assert page.locator("#prices-chart g.trace.scatter").count() == 4
    assert errors == []


def test_factsheet_shows_the_small_price_chart(browser_page):
    page, url, errors = browser_page
    page.goto(url + "/systems/eu-ets/")
    page.wait_for_selector('[data-price-chart][data-drawn="true"]', timeout=30_000)
    assert page.locator("[data-price-chart] g.trace.scatter").count() == 2
    assert errors == []
