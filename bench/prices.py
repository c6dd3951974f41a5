"""Benchmark of the price import and the API (run by hand; figures go to docs/benchmarks.md).

    .venv/bin/python bench/prices.py [--file ../shared/data/icap-prices/icap_prices_20260227.csv] [--repeat 5]

Measures, in one run:
1. bare `pandas.read_csv` of the file (the reference);
2. the full import (read, check, stitch, store) into a fresh database (goal: < 2 s, < 3x the reference);
3. GET /api/v1/prices for all systems, full history, EUR, monthly, warm (goal: p95 < 100 ms).
Uses a throw-away SQLite database unless DATABASE_URL is set (then a test database is created).
Before each import the price tables are emptied as Django's test flush does (TRUNCATE on
PostgreSQL, DELETE on SQLite), so each import meets a fresh database: rows deleted on
PostgreSQL stay as dead index entries that every insert of the same key would have to check.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "icap-prices" / "icap_prices_20260227.csv"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=DEFAULT)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    if not args.file.exists():
        sys.exit(f"no file {args.file}: pass --file")
    os.environ.setdefault("ETSATLAS_HOME", tempfile.mkdtemp(prefix="etsatlas-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "etsatlas.web.settings")
    import django

    django.setup()
    import pandas as pd
    from django.core.management.color import no_style
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from etsatlas.web.prices.importing import import_bytes
    from etsatlas.web.prices.models import Observation, PriceImport, RateSeries, Revision

    tables = [model._meta.db_table for model in (Revision, Observation, RateSeries, PriceImport)]

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        data = args.file.read_bytes()
        from etsatlas.prices import read_price_bytes

        bare, reads, imports = [], [], []
        for _ in range(args.repeat):
            t = time.perf_counter()
            pd.read_csv(args.file, low_memory=False)
            bare.append(time.perf_counter() - t)
            t = time.perf_counter()
            read_price_bytes(data, args.file.name)
            reads.append(time.perf_counter() - t)
            connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), tables))
            t = time.perf_counter()
            report = import_bytes(data, args.file.name)
            imports.append(time.perf_counter() - t)
        client = Client()
        url = "/api/v1/prices?currency=EUR&freq=monthly"
        first = time.perf_counter()
        response = client.get(url)
        cold = time.perf_counter() - first
        assert response.status_code == 200, response.content[:300]
        times = []
        for _ in range(args.requests):
            t = time.perf_counter()
            client.get(url)
            times.append(time.perf_counter() - t)
        times.sort()
        p95 = times[int(0.95 * (len(times) - 1))]
        vendor = connection.vendor
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    med_bare, med_import = statistics.median(bare), statistics.median(imports)
    print(f"machine: {platform.node()} {platform.machine()} {os.cpu_count()} CPU, Python {platform.python_version()}, {vendor}")
    print(f"file: {args.file.name}, {report.observations} observations, {report.rates_added} rates")
    print(f"pandas.read_csv (reference): median {med_bare * 1000:.0f} ms over {args.repeat}")
    med_read = statistics.median(reads)
    print(f"read + check + stitch, no database: median {med_read * 1000:.0f} ms, ratio {med_read / med_bare:.1f}x")
    print(f"import into a fresh database: median {med_import * 1000:.0f} ms (min {min(imports) * 1000:.0f}), "
          f"ratio {med_import / med_bare:.1f}x (of the minima: {min(imports) / min(bare):.1f}x)")
    print(f"GET {url}: cold {cold * 1000:.0f} ms, warm median {statistics.median(times) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms over {args.requests}")


if __name__ == "__main__":
    main()
