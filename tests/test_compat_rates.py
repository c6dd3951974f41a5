"""Exchange rates imported with the price data make cross-currency comparisons possible."""

from __future__ import annotations

import numpy as np
import pytest

from etsatlas.compat.examples import aligned_pair
from etsatlas.web.atlas.models import System

models = pytest.importorskip("etsatlas.web.prices.models", reason="the prices area is not in this checkout")


@pytest.fixture
def rates(db):
    imported = models.PriceImport.objects.create(file_name="rates.csv", sha256="0" * 64, layout="tidy", encoding="utf-8")
    nan = float("nan")
    models.RateSeries.pack("GBP", imported, np.array(["2025-01-02", "2025-12-30"], dtype="datetime64[D]"),
                           np.array([1.10, 1.20]), np.array([nan, nan])).save()
    models.RateSeries.pack("USD", imported, np.array(["2025-12-30"], dtype="datetime64[D]"), np.array([nan]), np.array([1.0])).save()


def test_imported_rates_take_the_latest_rate_of_each_currency(rates):
    from etsatlas.web.linking.rates import imported_rates

    found, source = imported_rates()
    assert found == {"EUR": 1.0, "GBP": 1.20}
    assert "2025-12-30" in source


def test_api_compares_prices_with_imported_rates(client, rates):
    for sheet in aligned_pair():
        row = System(id=sheet.id)
        row.apply(sheet)
        row.save()
    edit = 'bb-ets:latest_prices=[{"value": 50, "currency": "GBP", "date": "2025-12-02", "basis": "auction"}]'
    data = client.get("/api/v1/compatibility", {"systems": "aa-ets,bb-ets", "edit": edit}).json()
    ambition = next(e for e in data["elements"] if e["element"] == "ambition")
    assert ambition["status"] == "aligned" and "imported price data" in ambition["why"]
