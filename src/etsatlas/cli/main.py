"""Entry point of the `etsatlas` command.

Each area contributes its commands from its own module (`register(app)`), so adding a
command never means editing a central list of commands.
"""

from __future__ import annotations

import importlib
import sys

import typer

app = typer.Typer(
    name="etsatlas",
    help="ETS Atlas: knowledge base, prices, simulator and linking assessment for emissions trading systems.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Modules that add commands. An area not present in this checkout is skipped.
COMMAND_MODULES = [
    "etsatlas.cli.platform",
    "etsatlas.cli.systems",
    "etsatlas.cli.prices",
    "etsatlas.cli.market",
    "etsatlas.cli.compat",
    "etsatlas.cli.library",
    "etsatlas.cli.accounts",
]


def _register_all() -> None:
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        module.register(app)


_register_all()


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
