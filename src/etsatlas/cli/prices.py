"""`etsatlas prices import|fetch-icap|imports|levels`: load allowance prices into the database."""

from __future__ import annotations

import sys
import urllib.error
import urllib.request
from pathlib import Path

import typer

from .common import JSON_OPTION, fail, print_json, setup_django

# ICAP's Allowance Price Explorer CSV download. Override with --url (or ETSATLAS_ICAP_URL) when
# ICAP moves it; the command checks that what comes back is an export before importing it.
ICAP_DOWNLOAD_URL = "https://icapcarbonaction.com/en/ets-prices/download"

prices_app = typer.Typer(help="Import and inspect allowance prices (ICAP exports, tidy CSV).", no_args_is_help=True)

DRY_RUN = typer.Option(False, "--dry-run", help="Read and check the file, report what would change, store nothing.")
SKIP_UNKNOWN = typer.Option(False, "--skip-unknown", help="Skip column groups whose system name is unknown (reported) instead of failing.")


def _import(data: bytes, name: str, dry_run: bool, skip_unknown: bool, json_output: bool) -> None:
    from rich.console import Console

    from etsatlas.prices import PriceFileError
    from etsatlas.web.prices.importing import import_bytes

    console = Console(stderr=True)
    try:
        with console.status(f"Importing {name}", spinner="dots") if sys.stderr.isatty() and not json_output else _nothing():
            report = import_bytes(data, name, dry_run=dry_run, skip_unknown=skip_unknown)
    except PriceFileError as exc:
        if json_output:
            print_json({"error": {"file": exc.file_name, "problems": [p.as_dict() for p in exc.problems]}})
        for problem in exc.problems:
            typer.secho(f"error: {problem.format(exc.file_name)}", err=True, fg=typer.colors.RED)
        raise typer.Exit(1) from None
    if json_output:
        print_json(report.as_dict())
        return
    _print_report(report)


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _print_report(report) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    verb = "would import" if report.dry_run else "imported"
    if report.already_imported:
        console.print(f"{report.file_name}: already imported (import #{report.import_id}, sha256 {report.sha256[:12]}); nothing changed")
        return
    console.print(
        f"{report.file_name} ({report.layout}): {verb} {report.added} new, {report.revised} revised, "
        f"{report.unchanged} unchanged observations; {report.rates_added} exchange rates"
    )
    table = Table(title="Observations in the file")
    for col in ("system", "primary", "secondary", "reference"):
        table.add_column(col, justify="right" if col != "system" else "left")
    for system, markets in sorted(report.counts.items()):
        table.add_row(system, *(str(markets.get(m, "")) for m in ("primary", "secondary", "reference")))
    console.print(table)
    for warning in report.warnings:
        typer.secho(f"warning: {warning['message']} [{warning['code']}]", err=True, fg=typer.colors.YELLOW)


@prices_app.command("import")
def import_file(
    file: Path = typer.Argument(..., help="An ICAP Allowance Price Explorer CSV export, or a tidy CSV (system,date,market,series,value,currency).", exists=True, dir_okay=False),
    dry_run: bool = DRY_RUN,
    skip_unknown: bool = SKIP_UNKNOWN,
    json_output: bool = JSON_OPTION,
) -> None:
    """Import a price file: atomic (any error: nothing stored), idempotent, incremental."""
    setup_django()
    _import(file.read_bytes(), file.name, dry_run, skip_unknown, json_output)


@prices_app.command("fetch-icap")
def fetch_icap(
    url: str = typer.Option(ICAP_DOWNLOAD_URL, "--url", envvar="ETSATLAS_ICAP_URL", help="Where to download the export from."),
    timeout: float = typer.Option(60.0, help="Seconds to wait for the download."),
    dry_run: bool = DRY_RUN,
    skip_unknown: bool = SKIP_UNKNOWN,
    json_output: bool = JSON_OPTION,
) -> None:
    """Download the current ICAP export, then import it."""
    setup_django()
    request = urllib.request.Request(url, headers={"User-Agent": "etsatlas (+https://github.com/)", "Accept": "text/csv,*/*"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (URL given by the user)
            data = response.read()
            disposition = response.headers.get("Content-Disposition", "")
    except urllib.error.HTTPError as exc:
        exc.close()
        raise fail(f"cannot download {url}: HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, TimeoutError, ValueError) as exc:
        raise fail(f"cannot download {url}: {getattr(exc, 'reason', exc)}") from None
    name = _file_name(disposition, url)
    _import(data, name, dry_run, skip_unknown, json_output)


def _file_name(disposition: str, url: str) -> str:
    import datetime as dt
    import re

    if match := re.search(r'filename="?([^";]+)"?', disposition):
        return Path(match.group(1)).name
    tail = Path(url.split("?", 1)[0]).name
    if tail.lower().endswith(".csv"):
        return tail
    return f"icap_prices_{dt.date.today():%Y%m%d}.csv"


@prices_app.command("imports")
def list_imports(json_output: bool = JSON_OPTION) -> None:
    """List past imports: file, hash, time, counts."""
    setup_django()
    from etsatlas.web.prices.models import PriceImport

    rows = [
        {"id": i.id, "file": i.file_name, "sha256": i.sha256, "layout": i.layout, "imported_at": i.imported_at.isoformat(),
         "added": i.added, "revised": i.revised, "unchanged": i.unchanged, "warnings": len(i.warnings)}
        for i in PriceImport.objects.all()
    ]
    if json_output:
        print_json(rows)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(rows)} imports")
    for col in ("id", "file", "layout", "imported_at", "added", "revised", "unchanged", "warnings"):
        table.add_column(col)
    for r in rows:
        table.add_row(*(str(r[c]) for c in ("id", "file", "layout", "imported_at", "added", "revised", "unchanged", "warnings")))
    Console().print(table)


@prices_app.command("levels")
def list_levels(json_output: bool = JSON_OPTION) -> None:
    """Show how "Primary/Secondary Stability N" columns are named per system."""
    from etsatlas.prices.levels import LEVELS, STABILITY_RULES

    rows = [
        {"system": r.system, "column": r.column, "level": r.level, "label": LEVELS[r.level],
         "from": r.valid_from.isoformat() if r.valid_from else None, "until": r.valid_until.isoformat() if r.valid_until else None}
        for r in STABILITY_RULES
    ]
    if json_output:
        print_json(rows)
        return
    for r in rows:
        span = f" ({r['from'] or '…'} to {r['until'] or '…'})" if r["from"] or r["until"] else ""
        typer.echo(f"{r['system']:<8} {r['column']:<22} {r['level']}{span}")


def register(app: typer.Typer) -> None:
    app.add_typer(prices_app, name="prices")
