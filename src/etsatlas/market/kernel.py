"""The fast solver's entry points: one scenario's market rows, or many scenarios at once.

Both run the compiled loops of compiled.py, the reference's algorithm step for step (exact,
with each system's compliance cost). A market row says, for each system, which group it
prices in, its price factor in that group and its fixed inflow from links at a bound.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .packed import Packed, pack
from .packed import rows as packed_rows
from .reference import Row
from .scenario import Scenario

Array = np.ndarray

__all__ = ["Packed", "Rows", "pack", "solve_packed", "solve_rows"]


@dataclass
class Rows:
    """Market rows as arrays (R, n): the same fields as reference.Row."""

    labels: Array  # group label of each system, from 0 to n - 1
    factors: Array  # price factor relative to the group's price
    fixed: Array  # fixed inflows (own tonnes) from links at a bound


def solve_packed(systems: Array, rows: Rows) -> tuple[dict[str, Array], Array]:
    """Row r of `rows` cleared for scenario r of `systems` (Monte Carlo samples, benchmark batches),
    the systems as rows of floats (S, n, width; `Packed.as_rows`): volumes (R, n) per field of
    reference.FIELDS plus "cost", and row validity (R,)."""
    from . import compiled  # compiles or loads the machine code on first use

    return compiled.solve(systems, rows.labels, rows.factors, rows.fixed, each=True)


def solve_rows(scenario: Scenario, rows: list[Row]) -> list[dict[str, Array] | None]:
    """Same contract as reference.solve_rows, with each system's compliance cost as "cost": all
    rows of the scenario in one compiled call."""
    from . import compiled

    out, valid = compiled.solve(packed_rows([scenario]), *(np.array([getattr(x, f) for x in rows]) for f in ("labels", "factors", "fixed")))
    return [{f: column[i] for f, column in out.items()} if valid[i] else None for i in range(len(rows))]
