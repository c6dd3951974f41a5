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
from .levels import PRICE, generic_level, name_levels
from .problems import PriceFileError, Problem
from .text import BLANKS, CsvText, check_field_counts, read_body, read_head

TIDY_COLUMNS = [
    "system", "date", "market", "series", "value", "currency", "eur_rate", "usd_rate",
    "line", "column", "source",
]

_RATE = re.compile(r"^exchange rate ([a-z]{3})/(eur|usd)$")
_PRICE = re.compile(r"^(primary|secondary|reference) market$")
_LEVEL = re.compile(r"^(primary|secondary) stability (\d+)$")
HEADER_ROWS = 2  # system names, then column headers
SAMPLE_ROWS = 40  # rows whose dates tell the vintage apart


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


@dataclass
class _ColumnPlan:
    """What each numeric column of the known groups holds, as arrays aligned with `columns` (0-based)."""

    columns: np.ndarray  # column index in the file
    kinds: np.ndarray  # "rate", "price" or "level"
    rate_kinds: np.ndarray  # "eur" or "usd" for rates, "" otherwise
    slots: np.ndarray  # position of the column's group in `known`
    markets: np.ndarray
    labels: np.ndarray  # "group title / header"
    header_currency: list[str | None]  # per slot: the currency code in the group's rate headers
    system_of: np.ndarray  # per slot
    group_of: np.ndarray  # per slot: the group's order in the file
    download_of: np.ndarray  # per slot

    @classmethod
    def of(cls, known: list[tuple[int, Group]]) -> _ColumnPlan:
        columns, kinds, rate_kinds, slots, markets, labels, header_currency = [], [], [], [], [], [], []
        for slot, (_, group) in enumerate(known):
            codes = [m.group(1).upper() for h in group.columns.values() if (m := _RATE.match(h.lower()))]
            header_currency.append(codes[0] if codes else None)
            for i, header in group.columns.items():
                h = header.lower()
                if (rate := _RATE.match(h)) is not None:
                    kind, rate_kind, market = "rate", rate.group(2), ""
                elif (match := _PRICE.match(h) or _LEVEL.match(h)) is not None:
                    kind, rate_kind, market = ("price" if _PRICE.match(h) else "level"), "", match.group(1)
                else:
                    continue  # "Market Currency", read by currency_column
                columns.append(i)
                kinds.append(kind)
                rate_kinds.append(rate_kind)
                slots.append(slot)
                markets.append(market)
                labels.append(f"{group.name.title} / {header}")
        return cls(
            np.asarray(columns, dtype=int), np.asarray(kinds, dtype=object), np.asarray(rate_kinds, dtype=object),
            np.asarray(slots, dtype=int), np.asarray(markets, dtype=object), np.asarray(labels, dtype=object),
            header_currency, np.asarray([g.system for _, g in known], dtype=object),
            np.asarray([order for order, _ in known], dtype=int), np.asarray([g.name.download for _, g in known], dtype=bool),
        )

    def rate_grid(self, grid: np.ndarray, present: np.ndarray, kind: str, n_slots: int) -> np.ndarray:
        """Rows x groups: each group's `kind` ("eur"/"usd") rate; a later column of the same kind fills over an earlier one."""
        rates = np.full((len(grid), n_slots), np.nan)
        for position in np.flatnonzero(self.rate_kinds == kind):
            filled = present[:, position]
            rates[filled, self.slots[position]] = grid[filled, position]
        return rates


class IcapExport:
    """The common path: header rows, groups, cells to tidy rows. Subclasses set the class attributes."""

    layout: ClassVar[str] = "icap"
    description: ClassVar[str] = ""
    date_format: ClassVar[str] = "%Y-%m-%d"
    date_pattern: ClassVar[re.Pattern[str]] = re.compile(r"^\d{4}-\d{2}-\d{2}$")
    markets: ClassVar[tuple[str, ...]] = ("primary", "secondary")

    def __init__(self, source: CsvText, header: list[list[str]], *, skip_unknown: bool = False):
        self.source, self.skip_unknown = source, skip_unknown
        width = len(header[0])
        self.titles, self.headers = ([*row, *[""] * (width - len(row))][:width] for row in header[:HEADER_ROWS])
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
        body = self.read_body(groups)
        dates = self.parse_dates(body)
        known = []
        for order, group in enumerate(groups):
            if group.system is None:
                self.report_unknown(group)
            else:
                known.append((order, group))
        observations, rates = self.cells_to_rows(body, dates, known)
        if self.errors:
            raise PriceFileError(self.source.file_name, self.errors)
        if observations.empty:
            raise PriceFileError(self.source.file_name, [Problem("no_data", "the file has headers but no prices")])
        return Parsed(self.source, self.layout, observations, rates, self.warnings, groups)

    def cells_to_rows(self, body: pd.DataFrame, dates: pd.Series, known: list[tuple[int, Group]]) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Every filled numeric cell at once (read_csv parsed them), then tidy rows.

        Returns the observations (price and level cells with their date, currency, rates and
        position) and the exchange rates (currency, date, eur_rate, usd_rate) of every row.
        """
        plan = _ColumnPlan.of(known)
        currencies = np.empty((len(body), len(known)), dtype=object)
        for slot, (_, group) in enumerate(known):
            currencies[:, slot] = self.currency_column(group, body, plan.header_currency[slot])
        cells = body[plan.columns]
        grid, present = _numbers(cells)
        self.report_bad_numbers(cells, grid, present, plan)
        eur, usd = (plan.rate_grid(grid, present, kind, len(known)) for kind in ("eur", "usd"))
        date_values = dates.to_numpy()
        observed = plan.kinds != "rate"
        take = present[:, observed] & ~np.isnan(grid[:, observed]) & ~pd.isna(date_values)[:, None]
        r, c = np.nonzero(take)
        c = np.flatnonzero(observed)[c]  # back to positions in plan.columns
        slot = plan.slots[c]
        observations = pd.DataFrame({
            "system": plan.system_of[slot], "date": date_values[r], "market": plan.markets[c],
            "series": PRICE, "value": grid[r, c], "currency": currencies[r, slot],
            "eur_rate": eur[r, slot], "usd_rate": usd[r, slot], "line": body.index.to_numpy()[r] + 1,
            "column": plan.columns[c] + 1, "source": plan.labels[c], "group": plan.group_of[slot],
            "download": plan.download_of[slot],
        })
        self.name_levels(observations, c, plan)
        observations = self.drop_repeated_dates(observations)
        rate_rows, rate_slots = np.nonzero(~np.isnan(eur) | ~np.isnan(usd))
        rates = pd.DataFrame({
            "currency": currencies[rate_rows, rate_slots], "date": date_values[rate_rows],
            "eur_rate": eur[rate_rows, rate_slots], "usd_rate": usd[rate_rows, rate_slots],
        })
        rates = rates[rates["date"].notna() & (rates["currency"] != "")].reset_index(drop=True)
        return observations, rates

    def report_bad_numbers(self, cells: pd.DataFrame, grid: np.ndarray, present: np.ndarray, plan: _ColumnPlan) -> None:
        """A filled cell that is not a number (only after the text re-read), by line then column."""
        for row, col in zip(*np.nonzero(present & np.isnan(grid))):
            self.errors.append(Problem(
                "bad_number", f"{cells.iat[row, col]!r} is not a number", line=int(cells.index[row]) + 1,
                column=int(plan.columns[col]) + 1, field=str(plan.labels[col]),
            ))

    def name_levels(self, observations: pd.DataFrame, positions: np.ndarray, plan: _ColumnPlan) -> None:
        """Replace "price" by the named level on stability cells, per column (in order of first appearance); warn on gaps."""
        series = observations["series"].to_numpy(dtype=object).copy()
        dates = observations["date"].to_numpy()
        at_level = np.flatnonzero(plan.kinds[positions] == "level")
        level_positions = positions[at_level]
        found, first = np.unique(level_positions, return_index=True)
        for position in found[np.argsort(first)]:
            rows = at_level[level_positions == position]
            system, source = str(plan.system_of[plan.slots[position]]), str(plan.labels[position])
            header = source.rsplit(" / ", 1)[-1]
            names, uncovered = name_levels(system, header, dates[rows])
            series[rows] = names
            if uncovered:
                self.warnings.append(Problem(
                    "unnamed_level", f"{uncovered} value(s) of {system} {header!r} have no named level; "
                    f"kept as {generic_level(header)}", column=int(plan.columns[position]) + 1, field=source,
                ))
        observations["series"] = series

    def find_groups(self) -> list[Group]:
        titles, headers = self.titles, self.headers
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

    def read_body(self, groups: list[Group]) -> pd.DataFrame:
        """The rows under the headers, only the groups' columns. Prices and rates of known systems
        are parsed as numbers by read_csv itself; when one is not a number, they are read again as
        text so that `cells_to_rows` names every bad cell."""
        dtypes: dict[int, object] = {0: object}
        for group in groups:
            for i, header in group.columns.items():
                dtypes[i] = np.dtype("float64") if group.system is not None and header.lower() != "market currency" else object
        width = len(self.headers)
        try:
            return read_body(self.source, skip=HEADER_ROWS, width=width, dtypes=dtypes)
        except PriceFileError:
            raise
        except ValueError:
            return read_body(self.source, skip=HEADER_ROWS, width=width, dtypes=dict.fromkeys(dtypes, object))

    def parse_dates(self, body: pd.DataFrame) -> pd.Series:
        raw = body[0]
        dates = pd.to_datetime(raw.str.strip(), format=self.date_format, errors="coerce")
        missing = raw.isna()
        if missing.any():
            missing &= body.drop(columns=0).notna().any(axis=1)  # a blank row is no error
        for idx in raw.index[missing]:
            self.errors.append(Problem("missing_date", "the row has prices but no date", line=idx + 1, column=1, field="Date"))
        for idx in raw.index[raw.notna() & dates.isna()]:
            self.errors.append(Problem(
                "bad_date", f"{raw[idx]!r} is not a date in the format {self.date_format}", line=idx + 1,
                column=1, field="Date",
            ))
        return dates

    def currency_column(self, group: Group, body: pd.DataFrame, header_currency: str | None) -> np.ndarray:
        """Each row's currency: the "Market Currency" cell, else the code in the rate headers."""
        index = next((i for i, h in group.columns.items() if h.lower() == "market currency"), None)
        fallback = header_currency or ""
        if index is None:
            if not fallback:
                self.errors.append(Problem("bad_currency", f"group {group.name.title!r} names no currency", line=2, column=group.first_column + 1))
            cells = np.empty(len(body), dtype=object)
            cells.fill(fallback)
            return cells
        codes, distinct = pd.factorize(body[index])  # a blank cell gets -1: the fallback, last below
        found = [str(v).strip().upper() for v in distinct]
        cells = np.asarray([*found, fallback], dtype=object)[codes]
        wrong = [c for c in set(found) if not re.fullmatch(r"[A-Z]{3}", c) or (fallback and c != fallback)]
        for k in np.flatnonzero((codes >= 0) & np.isin(cells, wrong)) if wrong else []:
            self.errors.append(Problem(
                "bad_currency", f"{cells[k]!r} is not the group's currency {fallback or '(a 3-letter ISO code)'}",
                line=int(body.index[k]) + 1, column=index + 1, field=f"{group.name.title} / Market Currency",
            ))
        return cells

    def drop_repeated_dates(self, frame: pd.DataFrame) -> pd.DataFrame:
        """A date twice in one column: an error when the values differ, else counted once (warning)."""
        repeated = frame.duplicated(["column", "date"], keep=False)
        if not repeated.any():
            return frame
        for _, same in frame[repeated].groupby(["column", "date"]):
            lines = ", ".join(str(n) for n in same["line"])
            line, column, field = int(same["line"].iloc[1]), int(same["column"].iloc[0]), str(same["source"].iloc[0])
            if same["value"].nunique() > 1:
                values = ", ".join(f"{v:g}" for v in same["value"])
                self.errors.append(Problem(
                    "duplicate_date", f"{same['date'].iloc[0]:%Y-%m-%d} appears on lines {lines} with different values ({values})",
                    line=line, column=column, field=field,
                ))
            else:
                self.warnings.append(Problem(
                    "duplicate_rows", f"{same['date'].iloc[0]:%Y-%m-%d} appears on lines {lines} with the same value",
                    line=line, column=column, field=field,
                ))
        return frame.drop_duplicates(["column", "date"], keep="first")

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


def is_icap_layout(head: list[list[str]]) -> bool:
    return len(head) >= 2 and len(head[1]) > 1 and head[1][0].strip().lower() == "date"


def detect_reader(source: CsvText, head: list[list[str]]) -> type[IcapExport]:
    """The vintage whose headers and date format match this file (its first lines), or a precise error."""
    if not is_icap_layout(head):
        raise PriceFileError(source.file_name, [Problem(
            "bad_header", "not an ICAP export: line 2 must start with 'Date' under a row of system names "
            "(or use the tidy layout: system,date,market,series,value,currency)", line=2, column=1,
        )])
    if len(head) <= HEADER_ROWS:
        raise PriceFileError(source.file_name, [Problem("no_data", "the file has headers but no rows of prices", line=3)])
    headers = head[1][1:]
    sample = [row[0].strip() for row in head[HEADER_ROWS:] if row and row[0] not in BLANKS][:20]
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
    check_field_counts(source)
    head = read_head(source, HEADER_ROWS + SAMPLE_ROWS)
    reader = detect_reader(source, head)
    return reader(source, head[:HEADER_ROWS], skip_unknown=skip_unknown).read()


def _numbers(cells: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(the cells as floats, which cells are filled). Columns read as text (a cell that is not a
    number) are converted with to_numeric: a filled cell that stays NaN is a bad number."""
    if all(dtype == np.float64 for dtype in cells.dtypes):
        grid = cells.to_numpy(dtype=float)
        return grid, ~np.isnan(grid)
    grid = cells.apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    return grid, cells.notna().to_numpy()
