"""The price explorer and the factsheet chart in a real browser (Debian chromium via Playwright)."""

from __future__ import annotations

import os
import shutil

import pytest

from etsatlas.prices.samples import sample_export

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium is not installed (make test installs it)"),
]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture
def browser_page(live_server, transactional_db, factsheets):
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's loop runs in this thread
    from playwright.sync_api import sync_playwright

    from etsatlas.web.atlas.seeding import seed_systems
    from etsatlas.web.prices.importing import import_bytes

    seed_systems(factsheets)
    import_bytes(sample_export(), "sample.csv")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        errors: list[str] = []
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        yield page, live_server.url, errors
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


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
