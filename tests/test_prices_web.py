"""The explorer page, its downloads, the API and the factsheet chart include."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest
from django.template import Context, Template

from etsatlas.prices.samples import sample_export
from etsatlas.web.prices.importing import import_bytes


@pytest.fixture
def sample(db):
    import_bytes(sample_export(), "sample.csv")


def test_page_without_data_explains_how_to_import(client, db):
    response = client.get("/prices/")
    assert response.status_code == 200
    assert b"etsatlas prices import" in response.content and b"etsatlas prices fetch-icap" in response.content


def test_page_shows_chart_data_summary_and_downloads(client, sample):
    response = client.get("/prices/?systems=eu-ets&systems=qc-cat&currency=native&freq=daily&levels=1&log=1")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="prices-chart-data"' in html and "vendor/plotly/plotly.min.js" in html
    assert "<script>" not in html  # no inline scripts (CSP)
    chart = response.context["chart"]
    names = {(t["system"], t["series"]) for t in chart["traces"]}
    assert ("qc-cat", "price_ceiling") in names and ("eu-ets", "price") in names
    assert chart["log"] is True
    assert "download.csv?" in html and "systems=eu-ets%2Cqc-cat" in html


def test_csv_download_is_exactly_what_is_shown(client, sample):
    page = client.get("/prices/?systems=eu-ets&currency=USD&freq=daily")
    shown = {(t["market"], x, y) for t in page.context["chart"]["traces"] for x, y in zip(t["x"], t["y"])}
    response = client.get("/prices/download.csv?systems=eu-ets&currency=USD&freq=daily")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {(r["market"], r["date"], round(float(r["value"]), 6)) for r in rows} == shown
    assert all(r["currency"] == "USD" for r in rows)
    assert float(next(r for r in rows if r["date"] == "2018-12-17")["value"]) == pytest.approx(24.3 * 1.08)


def test_xlsx_and_json_downloads(client, sample):
    xlsx = client.get("/prices/download.xlsx?systems=nz-ets&currency=native")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content))["prices"]
    header, *rows = list(sheet.values)
    assert header[:6] == ("system", "system_name", "date", "market", "series", "value")
    assert len(rows) == 2
    body = json.loads(client.get("/prices/download.json?systems=nz-ets&currency=native").content)
    assert body["query"]["systems"] == ["nz-ets"] and len(body["data"]) == 2
    assert client.get("/prices/download.pdf").status_code == 404


def test_api_prices_converts_and_aggregates(client, sample):
    response = client.get("/api/v1/prices?systems=eu-ets,qc-cat&market=primary&currency=EUR&freq=annual")
    assert response.status_code == 200
    body = response.json()
    by_key = {(r["system"], r["date"]): r["value"] for r in body["data"]}
    assert by_key[("eu-ets", "2018-01-01")] == pytest.approx((24.1 + 24.3) / 2)
    assert by_key[("qc-cat", "2024-01-01")] == pytest.approx((42.5 + 44.0) / 2 * 0.68)
    assert body["count"] == len(body["data"]) and body["query"]["currency"] == "EUR"


def test_api_defaults_to_native_currency_and_daily(client, sample):
    body = client.get("/api/v1/prices?systems=qc-cat").json()
    assert {r["currency"] for r in body["data"]} == {"CAD"} and len(body["data"]) == 2


@pytest.mark.parametrize(("query", "field"), [
    ("systems=atlantis-ets", "systems"),
    ("market=spot", "market"),
    ("currency=JPY", "currency"),
    ("freq=hourly", "freq"),
    ("start=2024-02-30", "start"),
    ("start=2024-01-01&end=2023-01-01", "end"),
    ("series=bogus", "series"),
])
def test_api_bad_parameters_answer_400_naming_the_field(client, sample, query, field):
    response = client.get(f"/api/v1/prices?{query}")
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["status"], error["code"], error["field"]) == (400, "invalid_parameter", field)
    assert client.get(f"/api/v1/prices/summary?{query}").json()["error"]["field"] == field


def test_api_summary_reports_latest_change_and_extremes(client, sample):
    body = client.get("/api/v1/prices/summary?systems=eu-ets&market=primary").json()
    (row,) = body["data"]
    assert row["latest"] == {"date": "2024-02-21", "value": 60.2}
    assert row["min"]["value"] == 23.9 and row["max"]["value"] == 60.2
    assert row["year_ago"]["date"] == "2019-01-07"
    assert row["annual_mean"]["2018"] == pytest.approx(24.2)


def test_api_is_documented_in_openapi(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    for path in ("/api/v1/prices", "/api/v1/prices/summary"):
        operation = schema["paths"][path]["get"]
        params = {p["name"]: p for p in operation["parameters"]}
        assert {"systems", "market", "currency", "start", "end", "freq"} <= set(params)
        assert all(p.get("description") for p in params.values())
        assert "400" in operation["responses"]


def test_factsheet_include_renders_a_small_chart(sample):
    html = Template('{% include "prices/_system_chart.html" %}').render(Context({"system_id": "eu-ets"}))
    assert 'data-price-chart="price-chart-eu-ets-data"' in html and 'id="price-chart-eu-ets-data"' in html
    empty = Template('{% include "prices/_system_chart.html" %}').render(Context({"system_id": "kz-ets"}))
    assert "No price data for this system." in empty


def test_python_load_reads_the_database(sample):
    from etsatlas.prices import load

    frame = load(systems="nz-ets", series="all", currency="EUR")
    assert set(frame["series"]) == {"price", "fixed_price_option"}
    assert frame.loc[frame["series"] == "price", "value"].round(6).tolist() == [round(33.5 * 0.56, 6), round(58 * 0.56, 6)]
