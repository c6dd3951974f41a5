"""What can be wrong with a price file: one exception type, one problem record, stable codes.

Every problem names the file, the line and column (both 1-based, as a spreadsheet shows them)
and the header of the column, so people can fix their file from the message alone.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

# Stable codes, each with what to do about it.
CODES: dict[str, str] = {
    "empty_file": "The file is empty: download the export again.",
    "no_data": "The file has headers but no prices: export a date range that has prices.",
    "not_csv": "The file is not a CSV text file: export the price explorer as CSV.",
    "encoding": "The file is neither UTF-8 nor Windows-1252 text: save it as UTF-8 CSV.",
    "bad_header": "The headers are not those of a known export layout.",
    "truncated_row": "A row has fewer fields than the header: the file was cut or edited by hand.",
    "too_many_fields": "A row has more fields than the header.",
    "bad_number": "A price or rate is not a number.",
    "bad_date": "A date is not a real calendar date in the file's date format.",
    "missing_date": "A row has prices but no date.",
    "duplicate_date": "The same date appears twice with different values.",
    "unknown_system": "A system name is not in the alias table (etsatlas.prices.aliases).",
    "bad_currency": "A currency is not a three-letter ISO code or disagrees with the header.",
    "bad_value": "A value is not allowed in this column.",
    # Warnings: the import goes on.
    "unnamed_level": "A stability column has no named level for these dates; kept as a generic level.",
    "duplicate_rows": "The same date appears twice with the same values; counted once.",
    "download_duplicate": "A '(download)' group repeats another group's series; counted once.",
    "series_disagree": "Two groups give different values for the same series and date; the preferred one is kept.",
    "rate_conflict": "Two groups give different exchange rates for the same currency and date; the first is kept.",
    "skipped_system": "A group with an unknown system name was skipped (--skip-unknown).",
}


@dataclass(frozen=True)
class Problem:
    """One error or warning, located in the file."""

    code: str
    message: str
    line: int | None = None
    column: int | None = None
    field: str | None = None

    def where(self, file_name: str = "") -> str:
        parts = [file_name] if file_name else []
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.column is not None:
            parts.append(f"column {self.column}")
        place = ", ".join(parts)
        if self.field:
            place += f" ({self.field})"
        return place

    def format(self, file_name: str = "") -> str:
        place = self.where(file_name)
        return f"{place}: {self.message} [{self.code}]" if place else f"{self.message} [{self.code}]"

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


class PriceFileError(ValueError):
    """A price file cannot be imported; `problems` lists every reason, each located."""

    def __init__(self, file_name: str, problems: list[Problem]):
        self.file_name = file_name
        self.problems = problems
        head = "; ".join(p.format() for p in problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        super().__init__(f"{file_name}: {len(problems)} problem(s): {head}{more}")
