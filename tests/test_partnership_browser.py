"""A real browser on the partnership directory and the library: plots drawn, no script blocked."""

from __future__ import annotations

import pytest

from browsing import chromium_page, requires_chromium

pytestmark = requires_chromium


@pytest.fixture
def browser_page(live_server, transactional_db):
    from etsatlas.web.library.seeding import seed_library
    from etsatlas.web.partnership.seeding import seed_partnership

    seed_library()
    seed_partnership()
    with chromium_page() as (page, errors):
        yield page, live_server.url, errors


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
