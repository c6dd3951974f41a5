"""The factsheet schema: pydantic models, vocabularies and loading of the curated YAML.

Pure Python: imports nothing from the web layer.
"""

from .fact import Fact, fact_value
from .factsheet import Factsheet
from .vocab import CapType, Gas, Level, LinkType, Market, Mechanism, Permission, Region, Section, Sector, Status

__all__ = [
    "CapType",
    "Fact",
    "Factsheet",
    "Gas",
    "Level",
    "LinkType",
    "Market",
    "Mechanism",
    "Permission",
    "Region",
    "Section",
    "Sector",
    "Status",
    "fact_value",
]
