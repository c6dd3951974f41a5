"""The /simulate/ page in a real browser (Debian's chromium driven by Playwright)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from browsing import chromium_page, requires_chromium

pytestmark = requires_chromium


@pytest.fixture
def page(live_server, transactional_db):
    with chromium_page() as (tab, errors):
        yield tab, live_server.url, errors


def test_simulate_page_runs_the_example_draws_the_chart_and_shares_by_url(page):
    tab, url, errors = page
    tab.goto(url + "/simulate/")
    tab.click("#run")
    tab.wait_for_selector("#results:not([hidden]) #results-table tbody tr", timeout=60_000)
    rows = tab.locator("#results-table tbody tr")
    assert rows.count() == 2 and "56" in rows.nth(0).inner_text()
    tab.wait_for_selector("#chart .main-svg", timeout=60_000)
    shared = tab.get_attribute("#share", "href")
    assert "#s=" in shared
    # Edit a value, then open the shared link in a fresh load: the scenario comes back.
    tab.fill("#systems-table tbody tr:nth-child(1) td:nth-child(3) input", "180")
    tab.dispatch_event("#systems-table tbody tr:nth-child(1) td:nth-child(3) input", "change")
    tab.click("#run")
    # Locator assertions poll without eval, which the page's CSP (script-src 'self') forbids.
    expect(tab.locator("#share")).not_to_have_attribute("href", shared, timeout=60_000)
    link = tab.get_attribute("#share", "href")
    tab.goto(url + link)
    tab.reload()
    assert tab.input_value("#systems-table tbody tr:nth-child(1) td:nth-child(3) input") == "180"
    assert errors == []


def test_simulate_page_shows_a_scenario_error_with_its_field(page):
    tab, url, errors = page
    tab.goto(url + "/simulate/")
    tab.fill("#systems-table tbody tr:nth-child(2) td:nth-child(3) input", "-5")
    tab.dispatch_event("#systems-table tbody tr:nth-child(2) td:nth-child(3) input", "change")
    tab.click("#run")
    expect(tab.locator("#status")).to_contain_text("systems[1].cap", timeout=60_000)
    assert [e for e in errors if "400" not in e] == []  # the failed fetch itself is logged by the browser


def test_simulate_page_shows_monte_carlo_percentiles(page):
    tab, url, errors = page
    tab.goto(url + "/simulate/")
    tab.fill("#samples", "500")
    tab.click("#run")
    tab.wait_for_selector("#mc-results:not([hidden]) #samples-table tbody tr", timeout=60_000)
    assert tab.locator("#samples-table tbody tr").count() == 2
    assert errors == []
