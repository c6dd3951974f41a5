"""`etsatlas library search|list|reindex` and `etsatlas members list`: the library and the partnership."""

from __future__ import annotations

import sys

import typer

from .common import JSON_OPTION, fail, print_json, setup_django

library_app = typer.Typer(help="Search and list the knowledge library.", no_args_is_help=True)
members_app = typer.Typer(help="Members and observers of the partnership.", no_args_is_help=True)


def _run_search(params: dict, limit: int):
    from etsatlas.web.library.search import Query, QueryError, search

    try:
        query = Query.from_params(params, per_page=limit)
    except QueryError as exc:
        raise fail(f"--{exc.field.replace('_', '-')}: {exc.message}", code=2) from exc
    return search(query)


def _hit_data(hit) -> dict:
    r = hit.resource
    return {"id": r.slug, "title": r.title, "type": r.type, "date": r.date.isoformat() if r.date else None,
            "date_precision": r.date_precision or None, "rank": hit.rank, "url": r.get_absolute_url()}


def _print_hits(results, title: str) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    for col in ("id", "type", "date", "title"):
        table.add_column(col)
    for hit in results.hits:
        r = hit.resource
        table.add_row(r.slug, r.type, r.display_date, r.title)
    Console().print(table)


@library_app.command("search")
def search_command(
    q: str = typer.Argument(..., help="Words to search for, e.g. 'linking' or a system id such as eu-ets."),
    type_: list[str] = typer.Option([], "--type", help="Resource type (repeatable), e.g. guide."),
    topic: list[str] = typer.Option([], "--topic", help="Topic (repeatable), e.g. linking."),
    system: list[str] = typer.Option([], "--system", help="Related system id (repeatable)."),
    sort: str = typer.Option("relevance", "--sort", help="relevance, newest, oldest, title or added."),
    limit: int = typer.Option(20, "--limit", min=1, max=100, help="How many results to show."),
    json_output: bool = JSON_OPTION,
) -> None:
    """Full-text search of the library, ranked, with the same filters as the web page and the API."""
    setup_django()
    results = _run_search({"q": q, "type": type_, "topic": topic, "system": system, "sort": sort}, limit)
    if json_output:
        print_json({"count": results.total, "results": [_hit_data(h) for h in results.hits],
                    "facets": {k: {f.value: f.count for f in v} for k, v in results.facets.items()}})
        return
    _print_hits(results, f"{results.total} resources matching {q!r}")


@library_app.command("list")
def list_command(
    type_: list[str] = typer.Option([], "--type", help="Resource type (repeatable)."),
    sort: str = typer.Option("newest", "--sort", help="newest, oldest, title or added."),
    limit: int = typer.Option(100, "--limit", min=1, max=100, help="How many resources to show."),
    json_output: bool = JSON_OPTION,
) -> None:
    """List library resources, newest first."""
    setup_django()
    results = _run_search({"type": type_, "sort": sort}, limit)
    if json_output:
        print_json({"count": results.total, "results": [_hit_data(h) for h in results.hits]})
        return
    _print_hits(results, f"{results.total} resources")


@library_app.command("reindex")
def reindex_command(json_output: bool = JSON_OPTION) -> None:
    """Rebuild the search text of every resource (after a bulk import or a change of system names)."""
    setup_django()
    from rich.progress import Progress

    from etsatlas.web.library.models import Resource
    from etsatlas.web.library.search.documents import reindex, system_names

    names = system_names()
    total = Resource.objects.count()
    with Progress(transient=True, disable=json_output or not sys.stderr.isatty()) as progress:
        task = progress.add_task("Reindexing", total=total)
        for resource in Resource.objects.prefetch_related("tags", "authors", "organisations").iterator(chunk_size=500):
            reindex(resource, names)
            progress.advance(task)
    if json_output:
        print_json({"reindexed": total})
    else:
        typer.echo(f"reindexed {total} resources")


@members_app.command("list")
def members_list(
    status: list[str] = typer.Option([], "--status", help="member, observer or former (repeatable)."),
    json_output: bool = JSON_OPTION,
) -> None:
    """List members and observers with their current status."""
    setup_django()
    from etsatlas.web.partnership.api import member_data
    from etsatlas.web.partnership.models import STATUSES
    from etsatlas.web.partnership.views import members_with_history

    bad = [s for s in status if s not in STATUSES]
    if bad:
        raise fail(f"--status: unknown status {bad[0]!r}; allowed: {', '.join(STATUSES)}", code=2)
    members = [m for m in members_with_history() if not status or m.status in status]
    if json_output:
        print_json({"count": len(members), "results": [member_data(m) for m in members]})
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(members)} members and observers")
    for col in ("id", "name", "status", "level", "systems"):
        table.add_column(col)
    for m in members:
        table.add_row(m.id, m.name, m.status_label, m.get_level_display(), ", ".join(m.system_ids))
    Console().print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(library_app, name="library")
    app.add_typer(members_app, name="members")
