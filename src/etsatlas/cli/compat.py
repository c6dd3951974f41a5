"""`etsatlas compat ID ID [ID...]`: the linking compatibility assessment in the terminal."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import JSON_OPTION, fail, print_json, setup_django

STYLE = {"aligned": "green", "needs_alignment": "yellow", "barrier": "bold red", "not_enough_data": "dim"}


def compat(
    systems: Annotated[list[str], typer.Argument(help="2 to 6 system ids, e.g. ca-cat qc-cat.")],
    edit: Annotated[list[str] | None, typer.Option("--edit", help="What-if edit SYSTEM:FIELD=VALUE (repeatable), e.g. ca-cat:flexibility.offsets.limit_pct=8.")] = None,
    fx: Annotated[str | None, typer.Option("--fx", help="Exchange rates in one common currency, e.g. EUR:1,GBP:1.17.")] = None,
    json_output: bool = JSON_OPTION,
) -> None:
    """Assess a link between systems, element by element: status, evidence, why, options, checklist."""
    setup_django()
    from etsatlas.web.linking.selection import SelectionError, select

    try:
        selection = select(systems, edit or [], [fx] if fx else [])
    except SelectionError as exc:
        raise fail(exc.message, code=2 if exc.status == 400 else 1) from exc
    result = selection.assess()
    if json_output:
        print_json(result.as_dict())
        return
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(title=" + ".join(s.display_name for s in result.sheets), show_lines=True)
    for col in ("element", "status", "finding"):
        table.add_column(col)
    for element in result.elements:
        mark = " ?" if element.uncertain else ""
        table.add_row(element.title, f"[{STYLE[element.status.value]}]{element.status.label}{mark}[/]", element.detail)
    console.print(table)
    console.print(result.summary())
    console.print(f"[dim]{result.preview.method}[/]")
    for phase in result.checklist:
        console.print(f"\n[bold]{phase['title']}[/] ({phase['status']})")
        for item in phase["items"]:
            console.print(f"  - {item['text']}")


def register(app: typer.Typer) -> None:
    app.command("compat")(compat)
