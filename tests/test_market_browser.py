"""The /simulate/ page in a real browser (Debian's chromium driven by Playwright)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium is not installed (make test installs it)"),
]
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-sync"]


@pytest.fixture
def page(live_server, transactional_db, settings):
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's loop runs in this test thread
    from playwright.sync_api import sync_playwright

    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        tab = browser.new_page(viewport={"width": 1280, "height": 1000})
        errors: list[str] = []
        tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        tab.on("pageerror", lambda exc: errors.append(str(exc)))
        yield tab, live_server.url, errors
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def test_simulate_page_runs_the_example_draws_the_chart_and_shares_by_url(page):
    tab, url, errors = page
    tab.goto(url + "/simulate/")
    tab.click("#run")
    tab.wait_for_selector("#results:not([hidden]) #results-table tbody tr", timeout=20_000)
    rows = tab.locator("#results-table tbody tr")
    assert rows.count() == 2 and "56" in rows.nth(0).inner_text()
    tab.wait_for_selector("#chart .main-svg", timeout=20_000)
    shared = tab.get_attribute("#share", "href")
    assert "#s=" in shared
    # Edit a value, then open the shared link in a fresh load: the scenario comes back.
    tab.fill("#systems-table tbody tr:nth-child(1) td:nth-child(3) input", "180")
    tab.dispatch_event("#systems-table tbody tr:nth-child(1) td:nth-child(3) input", "change")
    tab.click("#run")
    tab.wait_for_function("document.querySelector('#share').href.includes('#s=')")
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
    tab.wait_for_function("document.querySelector('#status').textContent.includes('systems[1].cap')", timeout=20_000)
    assert [e for e in errors if "400" not in e] == []  # the failed fetch itself is logged by the browser
