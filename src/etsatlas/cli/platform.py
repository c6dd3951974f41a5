"""Platform commands: migrate, seed, serve, export, check."""

from __future__ import annotations

import os
import subprocess
import sys
from enum import Enum
from pathlib import Path

import typer

from .common import JSON_OPTION, fail, print_json, setup_django


class ExportFormat(str, Enum):
    json = "json"
    csv = "csv"
    yaml = "yaml"


def migrate(json_output: bool = JSON_OPTION) -> None:
    """Create or upgrade the database tables (idempotent)."""
    setup_django()
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("migrate", interactive=False, verbosity=1, stdout=out)
    if json_output:
        applied = [line.strip() for line in out.getvalue().splitlines() if line.strip().startswith("Applying")]
        print_json({"applied": applied})
    else:
        typer.echo(out.getvalue().rstrip())


def seed(json_output: bool = JSON_OPTION) -> None:
    """Load the curated data (factsheets and every other seeded area); running it twice changes nothing."""
    setup_django()
    from rich.progress import Progress

    from etsatlas.schema.loading import FactsheetError, load_factsheets
    from etsatlas.web.core.seeding import run_seeders

    try:
        sheets = load_factsheets()
    except FactsheetError as exc:
        raise fail(str(exc)) from exc
    with Progress(transient=True, disable=json_output or not sys.stderr.isatty()) as progress:
        task = progress.add_task("Seeding", total=len(sheets))
        try:
            reports = run_seeders(sheets, progress=lambda _id: progress.advance(task))
        except (ValueError, FileNotFoundError) as exc:
            raise fail(str(exc)) from exc
    if json_output:
        print_json(reports)
        return
    for area, report in reports.items():
        counts = ", ".join(f"{k} {v}" for k, v in report.items() if isinstance(v, int))
        typer.echo(f"{area}: {counts}")


def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    production: bool = typer.Option(
        False, "--production", help="Run granian with several workers, DEBUG off, static files via WhiteNoise."
    ),
    workers: int = typer.Option(0, help="Worker processes in production (0: one per CPU core)."),
    threads: int = typer.Option(4, help="Request threads per worker in production."),
) -> None:
    """Serve the platform: Django's development server, or granian with --production.

    granian (a Rust HTTP server) rather than gunicorn: on two cores under 50 concurrent
    connections it served the benchmark's static file at twice gunicorn's rate with a third of
    its p95 latency (docs/benchmarks.md, web runs of 2026-11-26).
    """
    if not production:
        setup_django()
        from django.core.management import call_command

        call_command("runserver", f"{host}:{port}", use_reloader=False)
        return
    os.environ["ETSATLAS_ENV"] = "production"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "etsatlas.web.settings")
    try:
        setup_django()  # fails fast on a bad production setting, naming it
    except Exception as exc:  # ImproperlyConfigured and friends
        raise fail(str(exc)) from exc
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    cmd = [
        sys.executable, "-m", "granian", "--interface", "wsgi", "etsatlas.web.wsgi:application",
        "--host", host, "--port", str(port), "--workers", str(workers or os.cpu_count() or 1),
        "--blocking-threads", str(threads), "--respawn-failed-workers", "--access-log", "--log-level", "warning",
    ]
    raise typer.Exit(subprocess.call(cmd))


def export(
    fmt: ExportFormat = typer.Option(ExportFormat.json, "--format", help="Output format."),
    out: Path | None = typer.Option(None, "--out", help="File to write (default: standard output)."),
) -> None:
    """Export every published factsheet as JSON, CSV (one row per system) or YAML."""
    setup_django()
    from etsatlas.web.atlas.exporting import export_text

    text = export_text(fmt.value)
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {out}", err=True)


def check(
    deploy: bool = typer.Option(False, "--deploy", help="Also run Django's deployment checks."),
    json_output: bool = JSON_OPTION,
) -> None:
    """Validate the curated data and run Django's system checks."""
    from etsatlas.schema.loading import FactsheetError, load_factsheets

    problems: list[str] = []
    try:
        load_factsheets()
    except FactsheetError as exc:
        problems += [str(p) for p in exc.problems]
    setup_django()
    from django.core import checks as dj_checks

    messages = dj_checks.run_checks(include_deployment_checks=deploy)
    problems += [f"{m.id}: {m.msg}" for m in messages if m.level >= dj_checks.WARNING]
    if json_output:
        print_json({"ok": not problems, "problems": problems})
    else:
        for p in problems:
            typer.echo(p, err=True)
        if not problems:
            typer.echo("no problems found")
    if problems:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command()(migrate)
    app.command()(seed)
    app.command()(serve)
    app.command()(export)
    app.command()(check)
