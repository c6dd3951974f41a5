"""The simulator step of the economic preview (runs only where the market package is present)."""

from __future__ import annotations

import pytest

from etsatlas.compat import Edit, apply_edits, assess
from etsatlas.compat.examples import aligned_pair
from etsatlas.compat.simulation import BAU_MARGIN_PCT, scenario_data

pytest.importorskip("etsatlas.market", reason="the market package is not in this checkout")


def priced_pair(cap_b: float, price_b: float):
    """aa-ets: cap 100 Mt at 60 EUR; bb-ets: cap `cap_b` at `price_b`."""
    edits = [
        Edit.parse('aa-ets:cap.values=[{"year": 2025, "value": 100, "unit": "MtCO2e"}]'),
        Edit.parse(f'bb-ets:cap.values=[{{"year": 2025, "value": {cap_b}, "unit": "MtCO2e"}}]'),
        Edit.parse(f'bb-ets:latest_prices=[{{"value": {price_b}, "currency": "EUR", "date": "2025-12-01", "basis": "auction"}}]'),
    ]
    return apply_edits(list(aligned_pair()), edits)


def reference_linked(caps, prices):
    """Plain reference: linear MACs a_i = (p / s_i); total abatement = total (BAU - cap).

    With slope s_i = p_i / (m * cap_i) and m the BAU margin, the joint price p solves
    sum(p / s_i) = sum(m * cap_i); net imports of i are (BAU_i - a_i(p)) - cap_i.
    """
    m = BAU_MARGIN_PCT / 100
    slopes = [p / (m * c) for p, c in zip(prices, caps, strict=True)]
    price = sum(m * c for c in caps) / sum(1 / s for s in slopes)
    imports = [m * c - price / s for c, s in zip(caps, slopes, strict=True)]
    return price, imports


def test_simulator_preview_matches_a_reference_linked_equilibrium():
    from etsatlas.compat.simulation import market_step

    sheets = priced_pair(cap_b=50, price_b=90)
    result = assess(sheets, simulate=market_step())
    price, imports = reference_linked([100, 50], [60, 90])
    assert result.preview.linked_price == pytest.approx(price, abs=0.01)
    assert result.preview.flows_mt["aa-ets"] == pytest.approx(imports[0], abs=0.01)
    assert result.preview.flows_mt["bb-ets"] == pytest.approx(imports[1], abs=0.01)
    assert result.preview.sellers == ["aa-ets"] and result.preview.buyers == ["bb-ets"]
    assert "assumed 10 % above the cap" in result.preview.method


def test_simulator_is_not_run_without_annual_caps():
    from etsatlas.compat.simulation import market_step

    result = assess(list(aligned_pair()), simulate=market_step())  # the pair states no cap values
    assert result.preview.flows_mt is None
    assert "no annual cap" in result.preview.reason


def test_scenario_skips_caps_in_short_tons():
    a, b = priced_pair(cap_b=50, price_b=90)
    (b,) = apply_edits([b], [Edit.parse('bb-ets:cap.values=[{"year": 2025, "value": 50, "unit": "million short tons CO2"}]')])
    data, why = scenario_data([a, b], {"aa-ets": 60, "bb-ets": 90})
    assert data is None and "bb-ets" in why


def test_page_and_api_show_the_simulated_flows(client, db):
    from etsatlas.web.atlas.models import System

    for sheet in priced_pair(cap_b=50, price_b=90):
        row = System(id=sheet.id)
        row.apply(sheet)
        row.save()
    page = client.get("/compatibility/", {"systems": "aa-ets,bb-ets"}).content.decode()
    assert "Simulated linked price" in page
    checklist = client.get("/api/v1/compatibility", {"systems": "aa-ets,bb-ets"}).json()["checklist"]
    assert any("net imports: aa-ets" in item["text"] for item in checklist[0]["items"])
