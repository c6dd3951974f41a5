"""The migrations that moved column labels onto the import and rates into one row per currency keep the data."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from etsatlas.web.prices.models import RateSeries

BEFORE = [("prices", "0002_lighter_indexes")]
AFTER = [("prices", "0004_rate_series")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def old_schema(transactional_db):
    apps = migrate(BEFORE)
    yield apps
    migrate(executor_leaves())


def executor_leaves():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def test_labels_and_rates_survive_the_migration_and_back(old_schema):
    PriceImport = old_schema.get_model("prices", "PriceImport")
    Observation = old_schema.get_model("prices", "Observation")
    ExchangeRate = old_schema.get_model("prices", "ExchangeRate")
    record = PriceImport.objects.create(file_name="a.csv", sha256="1" * 64, layout="icap-2026", encoding="utf-8")
    for column, series, source in [(5, "price", "Québec Cap-and-Trade System / Primary Market"),
                                   (7, "price_ceiling", "Québec Cap-and-Trade System / Primary Stability 4")]:
        Observation.objects.create(system="qc-cat", date=dt.date(2024, 5, 15), market="primary", series=series, value=44.0,
                                   currency="CAD", source_import=record, line=6, column=column, source=source)
    for currency, date, eur, usd in [("NZD", dt.date(2020, 6, 1), 0.56, 0.61), ("NZD", dt.date(2023, 9, 29), None, 0.6),
                                     ("CAD", dt.date(2024, 2, 21), 0.68, 0.74)]:
        ExchangeRate.objects.create(currency=currency, date=date, eur_rate=eur, usd_rate=usd, source_import=record)

    apps = migrate(AFTER)
    assert apps.get_model("prices", "PriceImport").objects.get().columns == {
        "5": "Québec Cap-and-Trade System / Primary Market", "7": "Québec Cap-and-Trade System / Primary Stability 4",
    }
    series = {s.currency: s for s in apps.get_model("prices", "RateSeries").objects.all()}
    nzd = RateSeries.frame(series["NZD"])  # the historical model has the fields, not the methods
    assert nzd["date"].dt.strftime("%Y-%m-%d").tolist() == ["2020-06-01", "2023-09-29"]
    assert nzd["eur_rate"].tolist()[0] == 0.56 and pd.isna(nzd["eur_rate"].tolist()[1])
    assert nzd["usd_rate"].tolist() == [0.61, 0.6]
    assert RateSeries.frame(series["CAD"])["eur_rate"].tolist() == [0.68] and series["NZD"].source_import_id == record.id

    apps = migrate(BEFORE)
    back = apps.get_model("prices", "ExchangeRate").objects.order_by("currency", "date")
    assert list(back.values_list("currency", "date", "eur_rate", "usd_rate")) == [
        ("CAD", dt.date(2024, 2, 21), 0.68, 0.74), ("NZD", dt.date(2020, 6, 1), 0.56, 0.61), ("NZD", dt.date(2023, 9, 29), None, 0.6)]
    sources = apps.get_model("prices", "Observation").objects.order_by("column").values_list("source", flat=True)
    assert list(sources) == ["Québec Cap-and-Trade System / Primary Market", "Québec Cap-and-Trade System / Primary Stability 4"]
