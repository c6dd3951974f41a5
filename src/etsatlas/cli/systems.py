"""`etsatlas systems list|show`: browse the knowledge base from the terminal."""

from __future__ import annotations

import typer

from .common import JSON_OPTION, fail, print_json, setup_django

systems_app = typer.Typer(help="Browse the emissions trading systems of the knowledge base.", no_args_is_help=True)


@systems_app.command("list")
def list_systems(
    status: list[str] = typer.Option([], "--status", help="Filter by status (repeatable)."),
    level: list[str] = typer.Option([], "--level", help="Filter by level of government (repeatable)."),
    sector: list[str] = typer.Option([], "--sector", help="Filter by covered sector (repeatable)."),
    q: str = typer.Option("", "--q", help="Free-text search on names and jurisdictions."),
    json_output: bool = JSON_OPTION,
) -> None:
    """List systems, optionally filtered (same filters as the web page and the API)."""
    setup_django()
    from etsatlas.web.atlas.filters import FilterError, parse_query
    from etsatlas.web.atlas.store import snapshot

    try:
        query = parse_query({"status": status, "level": level, "sector": sector, "q": [q]})
    except FilterError as exc:
        raise fail(str(exc), code=2) from exc
    sheets = query.apply(snapshot().sheets)
    if json_output:
        print_json([
            {"id": s.id, "name": s.name, "status": s.status.current.value, "level": s.level.value,
             "region": s.region.value}
            for s in sheets
        ])
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(sheets)} systems")
    for col in ("id", "name", "status", "level", "region"):
        table.add_column(col)
    for s in sheets:
        table.add_row(s.id, s.display_name, s.status.current.label, s.level.label, s.region.label)
    Console().print(table)


@systems_app.command("show")
def show_system(system_id: str = typer.Argument(..., help="System id, e.g. eu-ets."), json_output: bool = JSON_OPTION) -> None:
    """Show one factsheet."""
    setup_django()
    from etsatlas.schema.loading import dump_factsheet_yaml, factsheet_to_data
    from etsatlas.web.atlas.store import snapshot

    snap = snapshot()
    sheet = snap.by_id.get(system_id)
    if sheet is None:
        close = [i for i in snap.by_id if system_id.split("-")[0] in i][:5]
        hint = f" (did you mean: {', '.join(close)}?)" if close else ""
        raise fail(f"no system with id {system_id!r}{hint}")
    if json_output:
        print_json(factsheet_to_data(sheet))
    else:
        typer.echo(dump_factsheet_yaml(sheet), nl=False)


def register(app: typer.Typer) -> None:
    app.add_typer(systems_app, name="systems")
