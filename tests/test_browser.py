"""A real browser (Debian's chromium driven by Playwright) on the map, a factsheet and the filters."""

from __future__ import annotations

import pytest

from browsing import chromium_page, requires_chromium
from etsatlas import geo
from etsatlas.schema import Status

pytestmark = requires_chromium


@pytest.fixture
def browser_page(live_server, transactional_db, factsheets):
    from etsatlas.web.atlas.seeding import seed_systems

    seed_systems(factsheets)
    with chromium_page() as (page, errors):
        yield page, live_server.url, errors


def _wait_for_map(page) -> int:
    page.wait_for_selector('#ets-map[data-drawn="true"]', timeout=30_000)
    return int(page.get_attribute("#ets-map", "data-places"))


def _click_place(page, key: str) -> None:
    """Click the middle of the drawn shape of a place (plotly binds each path to its location)."""
    box = page.evaluate(
        """(key) => {
            const path = Array.from(document.querySelectorAll('path.choroplethlocation'))
                .find(p => p.__data__ && p.__data__.loc === key);
            if (!path) return null;
            const r = path.getBoundingClientRect();
            return {x: r.x + r.width / 2, y: r.y + r.height / 2};
        }""",
        key,
    )
    assert box, f"{key} is not drawn on the map"
    page.mouse.move(box["x"] - 5, box["y"])
    page.mouse.click(box["x"], box["y"])


def test_map_draws_every_place_and_a_click_opens_the_factsheet(browser_page, factsheets):
    page, url, errors = browser_page
    page.goto(url + "/")
    drawn = _wait_for_map(page)
    assert drawn == len(geo.places(factsheets))
    assert page.locator("path.choroplethlocation").count() > 40  # EU members, US states, provinces...
    _click_place(page, "USA-CA")
    page.wait_for_url("**/systems/ca-cat/", timeout=15_000)
    assert "California" in page.locator("h1").inner_text()
    _wait_for_map(page)  # the factsheet shows its own place
    assert errors == []


def test_filtering_the_list_updates_the_count_and_the_map(browser_page, factsheets):
    page, url, errors = browser_page
    page.goto(url + "/systems/")
    assert int(page.inner_text("#match-count")) == len(factsheets)
    page.check('input[name="status"][value="abolished"]')
    page.click("text=Apply filters")
    page.wait_for_url("**status=abolished**")
    abolished = [s for s in factsheets if s.status.current is Status.ABOLISHED]
    assert int(page.inner_text("#match-count")) == len(abolished)
    assert _wait_for_map(page) == len(geo.places(abolished))
    names = page.locator(".systems-table tbody td:nth-child(2) a").all_inner_texts()
    assert sorted(names) == sorted(s.display_name for s in abolished)
    assert errors == []


def test_places_without_outlines_are_status_coloured_markers_that_open_their_factsheet(browser_page, factsheets):
    """Chinese pilots, Tokyo, Saitama...: the geometry package has no outline for them, so they are
    points, coloured by status like the shapes, and a click opens the factsheet."""
    page, url, errors = browser_page
    page.goto(url + "/")
    _wait_for_map(page)
    points = [p for p in geo.places(factsheets) if p.kind == "point"]
    assert {"Tokyo", "Saitama", "Hubei"} <= {p.label for p in points}
    trace = page.evaluate("""() => {
        const t = document.getElementById('ets-map').data.find(t => t.type === 'scattergeo');
        return {lat: t.lat, lon: t.lon, colors: t.marker.color};
    }""")
    drawn = sorted(zip(trace["lat"], trace["lon"]))
    assert drawn == sorted((p.lat, p.lon) for p in points)
    # Same status, same colour; different statuses, different colours.
    status_of = {(p.lat, p.lon): p.systems[0].status.current for p in points}
    colour_by_status: dict = {}
    for lat, lon, colour in zip(trace["lat"], trace["lon"], trace["colors"]):
        assert colour_by_status.setdefault(status_of[(lat, lon)], colour) == colour
    assert len(set(colour_by_status.values())) == len(colour_by_status)
    hubei = next(p for p in points if p.label == "Hubei")
    box = page.evaluate("""([lon, lat]) => {
        const pt = Array.from(document.querySelectorAll('#ets-map .scattergeo .point'))
            .find(e => e.__data__ && Math.abs(e.__data__.lonlat[0] - lon) < 1e-6 && Math.abs(e.__data__.lonlat[1] - lat) < 1e-6);
        if (!pt) return null;
        const r = pt.getBoundingClientRect();
        return {x: r.x + r.width / 2, y: r.y + r.height / 2};
    }""", [hubei.lon, hubei.lat])
    assert box, "the Hubei marker is not drawn"
    page.mouse.move(box["x"] - 3, box["y"])
    page.mouse.move(box["x"], box["y"])
    page.mouse.click(box["x"], box["y"])
    page.wait_for_url(f"**/systems/{hubei.systems[0].id}/", timeout=15_000)
    assert errors == []
