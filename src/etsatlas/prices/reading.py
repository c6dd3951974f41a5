"""One entry point for every supported file: decode, detect the layout, read, stitch."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .icap import Parsed, read_icap
from .problems import Problem
from .stitch import merge_rates, stitch
from .text import decode
from .tidy import is_tidy, read_tidy

OUTPUT_COLUMNS = [
    "system", "date", "market", "series", "value", "currency", "eur_rate", "usd_rate",
    "file", "sha256", "line", "column", "source",
]


@dataclass
class PriceFile:
    """A file read into the tidy table, ready to store."""

    file_name: str
    sha256: str
    layout: str
    encoding: str
    observations: pd.DataFrame  # OUTPUT_COLUMNS (without file and sha256: those are per file)
    rates: pd.DataFrame  # currency, date, eur_rate, usd_rate
    warnings: list[Problem]

    def tidy(self) -> pd.DataFrame:
        """The tidy table with provenance on every row (OUTPUT_COLUMNS)."""
        return self.observations.assign(file=self.file_name, sha256=self.sha256)[OUTPUT_COLUMNS]

    def counts(self) -> dict[str, dict[str, int]]:
        """Observations per system and market: {"eu-ets": {"primary": 2880, ...}}."""
        grouped = self.observations.groupby(["system", "market"]).size()
        out: dict[str, dict[str, int]] = {}
        for (system, market), n in grouped.items():
            out.setdefault(str(system), {})[str(market)] = int(n)
        return out


def read_price_bytes(
    data: bytes, file_name: str, *, skip_unknown: bool = False, known_systems: set[str] | None = None,
) -> PriceFile:
    """Read an ICAP export (any supported vintage) or a tidy CSV; raise PriceFileError listing every problem."""
    source = decode(data, file_name)
    parsed: Parsed = read_tidy(source, known_systems=known_systems) if is_tidy(source) else read_icap(source, skip_unknown=skip_unknown)
    observations, stitch_warnings = stitch(parsed.observations)
    rates, rate_warnings = merge_rates(parsed.rates)
    observations = observations.drop(columns=["group", "download"])
    return PriceFile(
        file_name=file_name, sha256=source.sha256, layout=parsed.layout, encoding=source.encoding,
        observations=observations, rates=rates, warnings=[*parsed.warnings, *stitch_warnings, *rate_warnings],
    )


def read_price_file(path: str | Path, **options) -> PriceFile:
    path = Path(path)
    return read_price_bytes(path.read_bytes(), path.name, **options)
