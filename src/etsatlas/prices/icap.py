"""Readers for ICAP Allowance Price Explorer exports: one base reader, one small subclass per vintage.

The base reader parses by the headers, so column order inside a group, group order, accents
and optional columns do not matter. A vintage subclass only declares what differs: its date
format and the extra columns it may carry. `detect_reader` picks the vintage from the headers
and the first dates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
import pandas as pd

from .aliases import GroupName, parse_group_name
from .levels import PRICE, name_levels
from .problems import Problem, PriceFileError
from .text import CsvText, read_cells

TIDY_COLUMNS = [
    "system", "date", "market", "series", "value", "currency", "eur_rate", "usd_rate",
    "line", "column", "source",
]

_RATE = re.compile(r"^exchange rate ([a-z]{3})/(eur|usd)$")
_PRICE = re.compile(r"^(primary|secondary|reference) market$")
_LEVEL = re.compile(r"^(primary|secondary) stability (\d+)$")


@dataclass
class Group:
    """One column group of the export: a system (or part of its history) and its columns."""

    name: GroupName
    first_column: int  # 0-based
    columns: dict[int, str] = field(default_factory=dict)  # 0-based index -> header

    @property
    def system(self) -> str | None:
        return self.name.system_id


@dataclass
class Parsed:
    """What a reader returns: tidy observations, exchange rates and warnings."""

    source: CsvText
    layout: str
    observations: pd.DataFrame  # TIDY_COLUMNS plus "group" (its order in the file) and "download"
    rates: pd.DataFrame  # currency, date, eur_rate, usd_rate
    warnings: list[Problem]
    groups: list[Group]


class IcapExport:
    """The common path: header rows, groups, cells to tidy rows. Subclasses set the class attributes."""

    layout: ClassVar[str] = "icap"
    description: ClassVar[str] = ""
    date_format: ClassVar[str] = "%Y-%m-%d"
    date_pattern: ClassVar[re.Pattern[str]] = re.compile(r"^\d{4}-\d{2}-\d{2}$")
    markets: ClassVar[tuple[str, ...]] = ("primary", "secondary")

    def __init__(self, source: CsvText, cells: pd.DataFrame, *, skip_unknown: bool = False):
        self.source, self.cells, self.skip_unknown = source, cells, skip_unknown
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []

    # -- detection ---------------------------------------------------------------------------
    @classmethod
    def accepts(cls, headers: list[str], dates: list[str]) -> bool:
        """True when every header is one this vintage knows and the dates are in its format."""
        known = all(cls.column_kind(h) is not None for h in headers if h.strip())
        return known and bool(dates) and all(cls.date_pattern.match(d) for d in dates)

    @classmethod
    def column_kind(cls, header: str) -> str | None:
        h = " ".join(header.lower().split())
        if h == "market currency" or _RATE.match(h) or _LEVEL.match(h):
            return h
        if (m := _PRICE.match(h)) and m.group(1) in cls.markets:
            return h
        return None

    # -- parsing -----------------------------------------------------------------------------
    def read(self) -> Parsed:
        groups = self.find_groups()
        body = self.cells.iloc[2:]
        dates = self.parse_dates(body)
        frames, rates = [], []
        for order, group in enumerate(groups):
            if group.system is None:
                self.report_unknown(group)
                continue
            obs, rate = self.read_group(group, order, body, dates)
            frames.append(obs)
            rates.append(rate)
        if self.errors:
            raise PriceFileError(self.source.file_name, self.errors)
        observations = pd.concat(frames, ignore_index=True) if frames else _empty_observations()
        if observations.empty:
            raise PriceFileError(self.source.file_name, [Problem("no_data", "the file has headers but no prices")])
        rate_table = pd.concat(rates, ignore_index=True) if rates else pd.DataFrame()
        return Parsed(self.source, self.layout, observations, rate_table, self.warnings, groups)

    def find_groups(self) -> list[Group]:
        titles = [str(v) for v in self.cells.iloc[0].fillna("")]
        headers = [str(v) for v in self.cells.iloc[1].fillna("")]
        groups: list[Group] = []
        current: Group | None = None
        for i in range(1, len(headers)):
            title, header = titles[i].strip(), headers[i].strip()
            if not header:
                current = None  # a separator column
                continue
            if title:
                current = Group(parse_group_name(title), i)
                groups.append(current)
            if current is None:
                self.errors.append(Problem("bad_header", "a column has no system name above it", line=2, column=i + 1, field=header))
                continue
            if self.column_kind(header) is None:
                self.errors.append(Problem(
                    "bad_header", f"unknown column {header!r} in group {current.name.title!r}", line=2,
                    column=i + 1, field=header,
                ))
                continue
            current.columns[i] = " ".join(header.split())
        if self.errors:
            raise PriceFileError(self.source.file_name, self.errors)
        return groups

    def parse_dates(self, body: pd.DataFrame) -> pd.Series:
        raw = body.iloc[:, 0]
        dates = pd.to_datetime(raw.str.strip(), format=self.date_format, errors="coerce")
        has_values = body.iloc[:, 1:].notna().any(axis=1)
        for idx in raw.index[raw.isna() & has_values]:
            self.errors.append(Problem("missing_date", "the row has prices but no date", line=idx + 1, column=1, field="Date"))
        for idx in raw.index[raw.notna() & dates.isna()]:
            self.errors.append(Problem(
                "bad_date", f"{raw[idx]!r} is not a date in the format {self.date_format}", line=idx + 1,
                column=1, field="Date",
            ))
        return dates

    def numbers(self, body: pd.DataFrame, index: int, label: str) -> tuple[pd.Series, pd.Series]:
        """The column's non-empty cells as floats (and the mask of non-empty cells); bad cells become errors."""
        text = body.iloc[:, index]
        present = text.notna()
        values = pd.to_numeric(text, errors="coerce")
        for idx in text.index[present & values.isna()]:
            self.errors.append(Problem(
                "bad_number", f"{text[idx]!r} is not a number", line=idx + 1, column=index + 1, field=label,
            ))
        return values, present

    def read_group(self, group: Group, order: int, body: pd.DataFrame, dates: pd.Series) -> tuple[pd.DataFrame, pd.DataFrame]:
        system = group.system
        assert system is not None
        label = group.name.title
        rate_cols = {m.group(2): (i, m.group(1).upper()) for i, h in group.columns.items() if (m := _RATE.match(h.lower()))}
        header_currency = next((cur for _, cur in rate_cols.values()), None)
        eur = self.numbers(body, rate_cols["eur"][0], f"{label} / Exchange rate")[0] if "eur" in rate_cols else None
        usd = self.numbers(body, rate_cols["usd"][0], f"{label} / Exchange rate")[0] if "usd" in rate_cols else None
        currency = self.currency_column(group, body, header_currency)
        frames = []
        for i, header in group.columns.items():
            h = header.lower()
            price, level = _PRICE.match(h), _LEVEL.match(h)
            if not (price or level):
                continue
            values, present = self.numbers(body, i, f"{label} / {header}")
            keep = present & values.notna() & dates.notna()
            if not keep.any():
                continue
            d = dates[keep]
            market = (price or level).group(1)  # type: ignore[union-attr]
            if level:
                series, uncovered = name_levels(system, header, d)
                if uncovered:
                    self.warnings.append(Problem(
                        "unnamed_level", f"{uncovered} value(s) of {system} {header!r} have no named level; "
                        f"kept as {series[-1] if uncovered == len(d) else 'a generic level'}", column=i + 1,
                        field=f"{label} / {header}",
                    ))
            else:
                series = np.full(len(d), PRICE, dtype=object)
            frame = pd.DataFrame({
                "system": system, "date": d.to_numpy(), "market": market, "series": series,
                "value": values[keep].to_numpy(), "currency": currency[keep].to_numpy(),
                "eur_rate": eur[keep].to_numpy() if eur is not None else np.nan,
                "usd_rate": usd[keep].to_numpy() if usd is not None else np.nan,
                "line": d.index.to_numpy() + 1, "column": i + 1, "source": f"{label} / {header}",
                "group": order, "download": group.name.download,
            })
            frames.append(self.drop_repeated_dates(frame))
        rates = pd.DataFrame({
            "currency": currency.to_numpy(), "date": dates.to_numpy(),
            "eur_rate": eur.to_numpy() if eur is not None else np.nan,
            "usd_rate": usd.to_numpy() if usd is not None else np.nan,
        })
        rates = rates[rates["date"].notna() & (rates["eur_rate"].notna() | rates["usd_rate"].notna()) & (rates["currency"] != "")]
        observations = pd.concat(frames, ignore_index=True) if frames else _empty_observations()
        return observations, rates

    def currency_column(self, group: Group, body: pd.DataFrame, header_currency: str | None) -> pd.Series:
        """Each row's currency: the "Market Currency" cell, else the code in the rate headers."""
        index = next((i for i, h in group.columns.items() if h.lower() == "market currency"), None)
        fallback = header_currency or ""
        if index is None:
            if not fallback:
                self.errors.append(Problem("bad_currency", f"group {group.name.title!r} names no currency", line=2, column=group.first_column + 1))
            return pd.Series(fallback, index=body.index)
        raw = body.iloc[:, index]
        codes = {v: str(v).strip().upper() for v in raw.dropna().unique()}
        cells = raw.map(codes).fillna(fallback)
        wrong = {c for c in set(codes.values()) if not re.fullmatch(r"[A-Z]{3}", c) or (fallback and c != fallback)}
        for idx in cells.index[cells.isin(wrong)] if wrong else []:
            self.errors.append(Problem(
                "bad_currency", f"{cells[idx]!r} is not the group's currency {fallback or '(a 3-letter ISO code)'}",
                line=idx + 1, column=index + 1, field=f"{group.name.title} / Market Currency",
            ))
        return cells

    def drop_repeated_dates(self, frame: pd.DataFrame) -> pd.DataFrame:
        """A date twice in one column: an error when the values differ, else counted once (warning)."""
        repeated = frame["date"].duplicated(keep=False)
        if not repeated.any():
            return frame
        for _, same in frame[repeated].groupby("date"):
            lines = ", ".join(str(n) for n in same["line"])
            if same["value"].nunique() > 1:
                values = ", ".join(f"{v:g}" for v in same["value"])
                self.errors.append(Problem(
                    "duplicate_date", f"{same['date'].iloc[0]:%Y-%m-%d} appears on lines {lines} with different values ({values})",
                    line=int(same["line"].iloc[1]), column=int(same["column"].iloc[0]), field=str(same["source"].iloc[0]),
                ))
            else:
                self.warnings.append(Problem(
                    "duplicate_rows", f"{same['date'].iloc[0]:%Y-%m-%d} appears on lines {lines} with the same value",
                    line=int(same["line"].iloc[1]), column=int(same["column"].iloc[0]), field=str(same["source"].iloc[0]),
                ))
        return frame.drop_duplicates("date", keep="first")

    def report_unknown(self, group: Group) -> None:
        problem = Problem(
            "unknown_system" if not self.skip_unknown else "skipped_system",
            f"unknown system name {group.name.title!r}: add it to etsatlas.prices.aliases.ALIASES"
            + (" (group skipped)" if self.skip_unknown else " or import with --skip-unknown"),
            line=1, column=group.first_column + 1, field=group.name.title,
        )
        (self.warnings if self.skip_unknown else self.errors).append(problem)


class IcapExport2026(IcapExport):
    """Exports from 2025-2026: ISO dates, UTF-8, split EU and New Zealand groups."""

    layout = "icap-2026"
    description = "ISO dates (YYYY-MM-DD), primary/secondary market and stability columns"


class IcapExportDayFirst(IcapExport):
    """Older exports: day-first dates, often Windows-1252, a "Reference Market" column per group."""

    layout = "icap-dayfirst"
    description = "day-first dates (DD/MM/YYYY), optional Reference Market columns"
    date_format = "%d/%m/%Y"
    date_pattern = re.compile(r"^\d{1,2}/\d{1,2}/\d{4}$")
    markets = ("primary", "secondary", "reference")


class IcapExportReferenceMarket(IcapExport):
    """Exports with ISO dates and a "Reference Market" column per group."""

    layout = "icap-reference"
    description = "ISO dates with Reference Market columns"
    markets = ("primary", "secondary", "reference")


READERS: list[type[IcapExport]] = [IcapExport2026, IcapExportReferenceMarket, IcapExportDayFirst]


def is_icap_layout(cells: pd.DataFrame) -> bool:
    return len(cells) >= 2 and cells.shape[1] > 1 and str(cells.iloc[1, 0]).strip().lower() == "date"


def detect_reader(source: CsvText, cells: pd.DataFrame) -> type[IcapExport]:
    """The vintage whose headers and date format match this file, or a precise error."""
    if not is_icap_layout(cells):
        raise PriceFileError(source.file_name, [Problem(
            "bad_header", "not an ICAP export: line 2 must start with 'Date' under a row of system names "
            "(or use the tidy layout: system,date,market,series,value,currency)", line=2, column=1,
        )])
    if len(cells) <= 2:
        raise PriceFileError(source.file_name, [Problem("no_data", "the file has headers but no rows of prices", line=3)])
    headers = [str(h) for h in cells.iloc[1, 1:].fillna("")]
    sample = [str(d).strip() for d in cells.iloc[2:, 0].dropna().head(20)]
    for reader in READERS:
        if reader.accepts(headers, sample):
            return reader
    # Nothing matched: say what did not, using the most permissive reader's checks.
    unknown = [h for h in headers if h.strip() and IcapExportDayFirst.column_kind(h) is None]
    if unknown:
        col = headers.index(unknown[0]) + 2
        raise PriceFileError(source.file_name, [Problem("bad_header", f"unknown column {unknown[0]!r}", line=2, column=col, field=unknown[0])])
    reader = IcapExportDayFirst if sample and "/" in sample[0] else IcapExport2026
    return reader


def read_icap(source: CsvText, *, skip_unknown: bool = False) -> Parsed:
    cells = read_cells(source)
    reader = detect_reader(source, cells)
    return reader(source, cells, skip_unknown=skip_unknown).read()


def _empty_observations() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in [*TIDY_COLUMNS, "group", "download"]})
