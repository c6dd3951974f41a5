"""A real browser on the partnership directory and the library: plots drawn, no script blocked."""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium is not installed (make test installs it)"),
]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture
def browser_page(live_server, transactional_db):
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's loop runs in this thread
    from playwright.sync_api import sync_playwright

    from etsatlas.web.library.seeding import seed_library
    from etsatlas.web.partnership.seeding import seed_partnership

    seed_library()
    seed_partnership()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        errors: list[str] = []
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        yield page, live_server.url, errors
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def test_directory_draws_the_map_and_the_chart(browser_page):
    page, url, errors = browser_page
    page.goto(f"{url}/partnership/")
    page.wait_for_selector('#member-map[data-drawn="true"]', timeout=30_000)
    page.wait_for_selector('#member-chart[data-drawn="true"]', timeout=30_000)
    points = page.evaluate("document.getElementById('member-map').data.map(t => t.lon.length)")
    assert points == [34, 7]
    assert page.locator("#member-map .scattergeo .point").count() == 41
    assert errors == []


def test_library_search_works_in_the_browser(browser_page):
    page, url, errors = browser_page
    page.goto(f"{url}/library/")
    page.fill("#q", "linking")
    page.click("button[type=submit] >> nth=0")
    page.wait_for_selector(".resource-item mark")
    assert page.locator(".resource-item .resource-title").first.inner_text() == "A Guide to Linking Emissions Trading Systems"
    page.check("input[name=type][value=brief]")
    page.click("text=Apply filters")
    page.wait_for_url("**type=brief**")
    assert page.locator(".resource-item").count() == 1
    assert errors == []
