"""The simulator API (POST /api/v1/simulate, prefill) and the /simulate/ page."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

EXAMPLE = {
    "systems": [
        {"id": "A", "bau": 300, "cap": 200, "mac": {"type": "linear", "slope": 0.5}},
        {"id": "B", "bau": 140, "cap": 100, "mac": {"type": "linear", "slope": 2.0}, "floor": 10, "ceiling": 120},
    ],
    "links": [{"between": ["A", "B"], "type": "two_way"}],
}


@pytest.fixture(autouse=True)
def static_root(settings):
    """WhiteNoise warns (an error here) when STATIC_ROOT does not exist yet, as on a fresh clone."""
    from pathlib import Path

    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


def factsheet(**extra):
    from etsatlas.schema import Factsheet

    return Factsheet.model_validate({
        "id": "demo-ets", "name": "Demo Emissions Trading System", "short_name": "Demo ETS", "jurisdictions": ["Demo"],
        "level": "national", "region": "europe", "status": {"current": "in_force"}, "as_of": "2026-01-01",
        "sources": [{"url": "https://example.org/demo", "as_of": "2026-01-01"}],
        "cap": {"values": [{"year": 2024, "value": 120}, {"year": 2025, "value": {"value": 100, "uncertain": True}}]},
        "latest_prices": [
            {"value": 20, "currency": "USD", "year": 2024, "basis": "annual average"},
            {"value": 30, "currency": "USD", "date": "2025-11-01", "basis": "auction price"},
        ],
        "price_management": {
            "floor": {"exists": True, "value": 12, "currency": "USD", "year": 2025},
            "ceiling": {"exists": False},
            "cost_containment": {"exists": True, "tiers": [{"trigger_price": 45, "volume_mt": 5}, {"trigger_price": 60}]},
        },
        "flexibility": {"offsets": {"allowed": True, "limit_pct": 8}},
    } | extra)


@pytest.fixture
def demo_system(db):
    """A knowledge base holding one controlled factsheet (independent of the curated data)."""
    from etsatlas.web.atlas.seeding import seed_systems

    seed_systems([factsheet()])
    return "demo-ets"


def post(client, body, query=""):
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return client.post(f"/api/v1/simulate{query}", data=data, content_type="application/json")


def test_api_simulate_returns_the_cli_document(client):
    from etsatlas.market import parse_scenario, simulate

    response = post(client, EXAMPLE)
    assert response.status_code == 200
    assert response.json() == json.loads(json.dumps(simulate(parse_scenario(EXAMPLE))))


def test_api_simulate_with_samples_and_curves(client):
    body = post(client, EXAMPLE, "?samples=300&seed=2&curves=true").json()
    assert body["samples"]["n"] == 300 and len(body["curves"]["price"]) == len(body["curves"]["systems"]["A"])


def test_api_simulate_runs_a_banking_horizon(client):
    doc = {"years": 5, "systems": [{"id": "A", "bau": 100, "cap": 90, "mac": {"type": "linear", "slope": 1}}]}
    years = post(client, doc).json()["years"]
    assert [y["year"] for y in years] == [2026, 2027, 2028, 2029, 2030]


@pytest.mark.parametrize("body, code, field", [
    ({"systems": [{"id": "A", "bau": 100, "cap": -1, "mac": {"type": "linear", "slope": 1}}]}, "invalid_scenario", "systems[0].cap"),
    ({"systems": [{"id": "A", "bau": 100, "cap": 90, "mac": {"type": "piecewise", "points": [[10, 5], [5, 8]]}}]},
     "invalid_scenario", "systems[0].mac.points"),
    (EXAMPLE | {"links": [{"between": ["A", "C"]}]}, "invalid_scenario", "links[0].between"),
    ({"systems": [{"id": "A", "bau": 100, "cap": 90, "mac": {"type": "linear", "slope": 1}, "floor": 50, "ceiling": 20}]},
     "invalid_scenario", "systems[0]"),
])
def test_api_simulate_errors_name_the_field(client, body, code, field):
    response = post(client, body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == code and error["field"] == field and error["status"] == 400


def test_api_simulate_limits_size_and_samples(client):
    assert post(client, b"x" * (300 * 1024)).json()["error"]["code"] == "payload_too_large"
    assert post(client, b"{not json").json()["error"]["code"] == "invalid_json"
    error = post(client, EXAMPLE, "?samples=50000").json()["error"]
    assert error["field"] == "samples" and error["status"] == 400


def test_prefill_from_a_factsheet_shows_sources_and_missing_values(client, demo_system):
    response = client.get(f"/api/v1/simulate/prefill?systems={demo_system}")
    assert response.status_code == 200
    (entry,) = response.json()["systems"]
    fields = entry["fields"]
    assert fields["cap"]["value"] == 100 and fields["cap"]["uncertain"] and "2025" in fields["cap"]["source"]
    assert fields["price"]["value"] == 30 and fields["price"]["currency"] == "USD"
    assert fields["floor"]["value"] == 12 and fields["ceiling"]["missing"]
    assert fields["tiers"][1]["volume"]["missing"] and fields["offset_limit_pct"]["value"] == 8
    assert fields["bau"]["source"].startswith("assumption")
    system = entry["system"]
    assert system["cap"] == 100 and system["floor"] == 12 and system["ccr"] == [{"trigger": 45, "volume": 5}]
    assert system["mac"]["slope"] == pytest.approx(30 / 10)
    assert post(client, {"systems": [system]}).json()["autarky"]["demo-ets"]["price"] == pytest.approx(30)


def test_prefill_without_a_price_leaves_the_slope_missing():
    from etsatlas.market.calibration import prefill
    from etsatlas.web.analysis.prefill import known_values

    entry = prefill(known_values(factsheet(latest_prices=[])))
    assert entry["fields"]["price"]["missing"] and entry["system"]["mac"]["slope"] is None
    assert any("no observed price" in p for p in entry["problems"])


def test_prefill_unknown_system_is_404(client, demo_system):
    error = client.get("/api/v1/simulate/prefill?systems=nowhere").json()["error"]
    assert error["status"] == 404 and error["field"] == "systems"


def test_simulate_page_renders_with_data_and_no_inline_script(client, demo_system):
    response = client.get(reverse("analysis:simulate"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="simulate-data"' in html and "analysis/simulate.js" in html
    data = json.loads(html.split('id="simulate-data" type="application/json">')[1].split("</script>")[0])
    assert {"id": "demo-ets", "name": "Demo ETS"} in data["systems"] and data["example"]["links"]
    scripts = [chunk.split(">")[0] for chunk in html.split("<script")[1:]]
    assert all("src=" in s or 'type="application/json"' in s for s in scripts)


def test_api_simulate_time_limit_answers_503(client, monkeypatch):
    from etsatlas.web.analysis import api

    monkeypatch.setattr(api, "TIME_LIMIT", 0.001)
    error = post(client, EXAMPLE, "?samples=20000").json()["error"]
    assert error["status"] == 503 and error["code"] == "time_limit_exceeded"


def test_prefill_handles_every_curated_factsheet(client, seeded):
    """Missing caps or prices are reported as problems, never guessed; complete systems simulate."""
    ids = [s.id for s in seeded]
    for start in range(0, len(ids), 20):
        response = client.get("/api/v1/simulate/prefill?systems=" + ",".join(ids[start : start + 20]))
        assert response.status_code == 200
        for entry in response.json()["systems"]:
            system = entry["system"]
            if system is None or system["mac"]["slope"] is None:
                assert entry["problems"], entry["id"]
                continue
            out = post(client, {"systems": [system]}).json()
            assert out["autarky"][entry["id"]]["price"] >= 0
