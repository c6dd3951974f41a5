"""Helpers shared by the command modules: Django setup, errors to stderr, JSON output."""

from __future__ import annotations

import json
import os
from typing import Any

import typer


def setup_django() -> None:
    """Configure Django for commands that touch the database (imported lazily: keeps --help fast)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "etsatlas.web.settings")
    import django

    django.setup()


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print an error to stderr and return the Exit to raise: `raise fail("...")`."""
    typer.secho(f"error: {message}", err=True, fg=typer.colors.RED)
    return typer.Exit(code)


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


JSON_OPTION = typer.Option(False, "--json", help="Print machine-readable JSON instead of a table.")
