"""`etsatlas simulate` and `etsatlas msr schedule`: the market simulator from the terminal."""

from __future__ import annotations

from pathlib import Path

import typer

from .common import JSON_OPTION, fail, print_json

msr_app = typer.Typer(help="The EU Market Stability Reserve rules.", no_args_is_help=True)


def simulate(
    scenario: Path = typer.Argument(..., help="Scenario file (YAML or JSON), see docs/market.md."),
    samples: int = typer.Option(0, "--samples", min=0, max=1_000_000, help="Monte Carlo samples (0: deterministic run)."),
    seed: int = typer.Option(0, "--seed", help="Random seed of the Monte Carlo samples."),
    json_output: bool = JSON_OPTION,
) -> None:
    """Autarky and linked equilibria of a scenario: prices, abatement, flows, costs, gains."""
    from etsatlas.market import ScenarioError, SolveError, load_scenario
    from etsatlas.market import simulate as run
    from etsatlas.market.montecarlo import monte_carlo

    try:
        model = load_scenario(scenario)
        result = run(model)
        if samples:
            result["samples"] = _with_progress(lambda: monte_carlo(model, samples, seed=seed), samples)
    except ScenarioError as exc:
        raise fail(str(exc), code=2) from exc
    except SolveError as exc:
        raise fail(str(exc)) from exc
    if json_output:
        print_json(result)
        return
    _print_tables(result)


def _with_progress(work, samples: int):
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), transient=True) as bar:
        bar.add_task(f"Monte Carlo over {samples:,} samples", total=None)
        return work()


def _print_tables(result: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(title="Autarky vs linked (prices per t, volumes Mt, costs millions)")
    for col in ("system", "autarky price", "linked price", "abatement", "net imports", "cost", "gain", "binding"):
        table.add_column(col, justify="left" if col in {"system", "binding"} else "right")
    for sid, linked in result["linked"].items():
        solo = result["autarky"][sid]
        table.add_row(
            sid, f"{solo['price']:.2f}", f"{linked['price']:.2f}", f"{linked['abatement']:.2f}",
            f"{linked['net_imports']:.2f}", f"{linked['cost']:.1f}", f"{linked['gain']:.1f}", ", ".join(linked["binding"]),
        )
    console.print(table)
    if "samples" in result:
        stats = Table(title=f"Monte Carlo: linked price over {result['samples']['n']:,} samples")
        for col in ("system", "mean", "p5", "p50", "p95"):
            stats.add_column(col, justify="right")
        for sid, s in result["samples"]["linked"].items():
            p = s["price"]
            stats.add_row(sid, f"{p['mean']:.2f}", f"{p['p5']:.2f}", f"{p['p50']:.2f}", f"{p['p95']:.2f}")
        console.print(stats)


@msr_app.command("schedule")
def msr_schedule(
    tnac_csv: Path = typer.Argument(..., help="CSV with year,tnac rows (allowances; optional auctioned column)."),
    rules: str = typer.Option(..., "--rules", help="Legal version of the reserve: 2015, 2018 or 2023."),
    holdings: float = typer.Option(0.0, "--holdings", help="Allowances held in the reserve when the first period starts."),
    json_output: bool = JSON_OPTION,
) -> None:
    """Intake or release for each 12-month period from September (the Jan-Aug 2019 transition included)."""
    from etsatlas.market.msr import RULES, TnacError, read_tnac_csv, schedule

    if rules not in RULES:
        raise fail(f"--rules must be one of {', '.join(RULES)}, got {rules!r}", code=2)
    try:
        tnac, auctioned = read_tnac_csv(tnac_csv.read_text(encoding="utf-8"), source=str(tnac_csv))
    except OSError as exc:
        raise fail(f"cannot read {tnac_csv}: {exc.strerror}", code=2) from exc
    except TnacError as exc:
        raise fail(str(exc), code=2) from exc
    periods = [p.as_dict() for p in schedule(tnac, rules, holdings=holdings, auctioned=auctioned)]
    if json_output:
        print_json({"rules": rules, "legal_basis": RULES[rules].legal_basis, "periods": periods})
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"MSR schedule, {RULES[rules].legal_basis}")
    for col in ("TNAC year", "TNAC", "period", "intake", "release", "invalidated", "holdings"):
        table.add_column(col, justify="right")
    for p in periods:
        table.add_row(str(p["tnac_year"]), f"{p['tnac']:,.0f}", str(p["period"]), f"{p['intake']:,}",
                      f"{p['release']:,}", f"{p['invalidated']:,}", f"{p['holdings']:,}")
    Console().print(table)
    for p in periods:
        for note in p["notes"]:
            typer.secho(f"note: {note}", err=True)


def register(app: typer.Typer) -> None:
    app.command("simulate")(simulate)
    app.add_typer(msr_app, name="msr")
