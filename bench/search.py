"""Library search benchmark: 10,000 generated resources, p50/p95 of search on the database in use.

    python bench/search.py                                   # SQLite file var/bench-search.sqlite3
    python bench/search.py --database-url postgres://postgres@127.0.0.1:5432/etsatlas_bench_search

Target: p95 under 20 ms for a ranked search (one page of hits with snippets) on both databases.
Measured: the search itself (`backend.page`: total, ranked page of ids, snippets), then the results loaded as
model objects with their relations, then everything the library page needs (with facet counts).
The reference is a plain case-insensitive substring scan (LIKE/ILIKE over title and text, no
index, unranked) for the same words, timed in the same run. Wall-clock and this process's CPU time
are both reported: on SQLite the CPU time includes the database's own work, on PostgreSQL not.
The database given is emptied of library rows first: point it at a scratch database.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

QUERIES = [
    {"q": "linking"}, {"q": "allowance auction"}, {"q": "eu-ets"}, {"q": "market stability reserve"},
    {"q": "leakage", "type": "paper"}, {"q": "price floor", "sort": "newest"}, {"q": "carbon", "topic": "linking"},
    {"q": "verification registry", "year_from": "2010", "year_to": "2015"}, {"q": "aviation maritime"},
    {"q": "kr-ets", "language": "en"},
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=f"sqlite:///{Path('var/bench-search.sqlite3').resolve()}")
    parser.add_argument("--resources", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=20, help="Runs of each query.")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "etsatlas.web.settings")
    Path("var").mkdir(exist_ok=True)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from etsatlas.web.library.models import Resource
    from etsatlas.web.library.samples import generate
    from etsatlas.web.library.search import Query, backend_for, search
    from etsatlas.web.library.signals import reindex_paused

    call_command("migrate", verbosity=0)
    with reindex_paused():  # else deleting each tag first reindexes its resource: minutes, not seconds
        Resource.objects.all().delete()
    started = time.perf_counter()
    generate(args.resources)
    load_s = time.perf_counter() - started
    settle(connection)

    cpu: dict[str, list[float]] = {}

    def timed(func, name: str) -> list[float]:
        times, cpu[name] = [], []
        for _ in range(args.repeat):
            for params in QUERIES:
                t0, c0 = time.perf_counter(), time.process_time()
                func(params)
                times.append((time.perf_counter() - t0) * 1000)
                cpu[name].append((time.process_time() - c0) * 1000)
        return times

    backend = backend_for()
    measures = {
        "search: total, ranked page of ids, snippets": lambda p: core_search(backend, Query.from_params(p)),
        "search results: hits loaded with relations": lambda p: search(Query.from_params(p), facets=False),
        "search page data: hits and facet counts": lambda p: search(Query.from_params(p)),
        "reference: substring scan": lambda p: naive_search(Query.from_params(p)),
    }
    series = {name: timed(func, name) for name, func in measures.items()}
    report(connection.vendor, args, load_s, series, cpu)


def settle(connection) -> None:
    """What a running database does by itself after a bulk load: merge index segments, gather statistics."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE library_resource")
            cursor.execute("VACUUM ANALYZE library_resourcetag")
        else:
            cursor.execute("INSERT INTO library_resource_fts(library_resource_fts) VALUES ('optimize')")
            cursor.execute("ANALYZE")


def core_search(backend, query):
    """The search itself: how many match, which ids rank on the page, and their highlighted snippets."""
    from etsatlas.web.library.search.engine import filtered

    return backend.page(filtered(query), query.phrases, query.sort, 0, query.per_page)


def naive_search(query) -> list[int]:
    """The reference: every word as a case-insensitive substring of title or text, newest first."""
    from django.db.models import Q

    from etsatlas.web.library.search.engine import filtered

    qs = filtered(query)
    for words in query.phrases:
        for word in words:
            qs = qs.filter(Q(title__icontains=word) | Q(search_text__icontains=word) | Q(search_keywords__icontains=word))
    return list(qs.order_by("-date").values_list("id", flat=True)[: query.per_page])


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def report(vendor: str, args, load_s: float, series: dict[str, list[float]], cpu: dict[str, list[float]]) -> None:
    """Wall-clock times, and this process's CPU time (on SQLite that includes the database's work)."""
    ref_p95 = percentile(series["reference: substring scan"], 95)
    print(f"{time.strftime('%Y-%m-%d')} · {platform.node()} · {platform.processor() or platform.machine()}, "
          f"{os.cpu_count()} cores · Python {sys.version.split()[0]} · {vendor} · load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"{args.resources} resources generated in {load_s:.1f} s; {len(QUERIES)} queries x {args.repeat} runs")
    print("| measure | p50 ms | p95 ms | max ms | p95 / reference p95 | CPU p50 ms | CPU p95 ms |")
    print("|---|---|---|---|---|---|---|")
    for name, values in series.items():
        print(f"| {name} | {statistics.median(values):.2f} | {percentile(values, 95):.2f} | {max(values):.2f} "
              f"| {percentile(values, 95) / ref_p95:.2f} | {statistics.median(cpu[name]):.2f} "
              f"| {percentile(cpu[name], 95):.2f} |")


if __name__ == "__main__":
    main()
