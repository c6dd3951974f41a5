"""Linked emissions-trading markets: scenarios, equilibria, banking, the EU MSR, calibration.

A pure numpy/scipy library (no web imports). Units and sign conventions: docs/market.md.
"""

from .equilibrium import SolveError
from .io import ScenarioError, load_scenario, loads_scenario, parse_scenario
from .results import simulate
from .scenario import Link, Scenario, System

__all__ = [
    "Link", "Scenario", "ScenarioError", "SolveError", "System",
    "load_scenario", "loads_scenario", "parse_scenario", "simulate",
]
