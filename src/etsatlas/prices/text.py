"""From bytes to CSV text: encoding detection and the checks that a file is CSV at all."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .problems import PriceFileError, Problem

# Cells read as missing: ICAP writes a single space in its separator columns.
BLANKS = ["", " ", "  ", "\t"]

_BINARY_MAGIC = {
    b"PK\x03\x04": "a ZIP archive (an .xlsx workbook?)",
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xd0\xcf\x11\xe0": "an old Excel (.xls) workbook",
    b"\x1f\x8b": "a gzip archive",
}
# UTF-8 text decoded as Windows-1252 twice over ("QuÃ©bec"): the file was re-encoded by mistake.
_MOJIBAKE = re.compile("[\u00c2\u00c3][\u0080-\u00bf\u2018-\u203a\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc]")
# The bytes of "Â" and "Ã" in each encoding: the regex above runs only on text that has them.
_MOJIBAKE_LEADS = {"utf-8": re.compile(rb"\xc3[\x82\x83]"), "cp1252": re.compile(rb"[\xc2\xc3]")}


@dataclass(frozen=True)
class CsvText:
    """A decoded CSV file, with what provenance needs."""

    file_name: str
    sha256: str
    encoding: str
    text: str


def decode(data: bytes, file_name: str) -> CsvText:
    """Decode UTF-8 (with or without BOM) or Windows-1252; reject what is not CSV text."""

    def fail(code: str, message: str, line: int | None = None) -> PriceFileError:
        return PriceFileError(file_name, [Problem(code, message, line=line)])

    sha = hashlib.sha256(data).hexdigest()
    if not data or data.isspace():
        raise fail("empty_file", "the file is empty")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or (len(data) > 1 and b"\x00" in data[:4096] and data[1:2] == b"\x00"):
        raise fail("encoding", "the file is UTF-16 text; save it as UTF-8 CSV")
    for magic, what in _BINARY_MAGIC.items():
        if data.startswith(magic):
            raise fail("not_csv", f"the file is {what}, not a CSV text file")
    if b"\x00" in data:
        raise fail("not_csv", "the file holds binary data (NUL bytes), not CSV text")
    head = data[:512].lstrip().lower()
    if head.startswith((b"<!doctype", b"<html", b"<?xml", b"{", b"[")):
        raise fail("not_csv", "the file is HTML, XML or JSON, not a CSV export (a web page instead of the download?)")
    try:
        text, encoding = data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        try:
            text, encoding = data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            line = data[: exc.start].count(b"\n") + 1
            raise fail("encoding", f"byte 0x{data[exc.start]:02x} is neither UTF-8 nor Windows-1252 text", line) from None
    suspect = _MOJIBAKE_LEADS[encoding].search(data) is not None
    if suspect and (bad := _MOJIBAKE.search(text)) is not None:
        line = text[: bad.start()].count("\n") + 1
        raise fail(
            "encoding",
            f"text {text[bad.start():bad.start() + 2]!r} is UTF-8 read as Windows-1252 (double-encoded); "
            "download the export again",
            line,
        )
    return CsvText(file_name=file_name, sha256=sha, encoding=encoding, text=text)


def read_head(source: CsvText, lines: int) -> list[list[str]]:
    """The first `lines` lines as lists of cells: the header rows and a sample of the first dates."""
    pieces = source.text.split("\n", lines)
    if pieces[-1] == "":
        pieces.pop()  # the text ends with a line break
    return list(csv.reader(pieces[:lines]))


def read_body(source: CsvText, *, skip: int, width: int, dtypes: dict[int, Any]) -> pd.DataFrame:
    """The lines after the first `skip`, one DataFrame row each (the index is the 0-based line number).

    Only the columns in `dtypes` are read, by pandas' C parser as in a plain `read_csv`: a
    float64 column is converted to numbers while parsing (ValueError if a cell is not a number;
    callers then read it again as text to name every bad cell). Call `check_field_counts` first:
    pandas pads short rows without saying which line.
    """
    try:
        body = pd.read_csv(
            io.StringIO(source.text), header=None, names=range(width), skiprows=skip, usecols=sorted(dtypes),
            dtype=dtypes, keep_default_na=False, na_values=BLANKS, skip_blank_lines=False, engine="c", low_memory=False,
        )
    except pd.errors.EmptyDataError:
        body = pd.DataFrame({i: pd.Series(dtype=dtype) for i, dtype in sorted(dtypes.items())})
    except pd.errors.ParserError as exc:
        raise PriceFileError(source.file_name, [Problem("not_csv", f"not readable as CSV: {exc}")]) from None
    body.index = pd.RangeIndex(skip, skip + len(body))
    return body


def check_field_counts(source: CsvText) -> None:
    """Raise PriceFileError naming every line whose number of fields differs from the first line's."""
    problems = _field_count_problems(source.text)
    if problems:
        raise PriceFileError(source.file_name, problems)


def _field_count_problems(text: str) -> list[Problem]:
    """Lines whose number of fields differs from the first line's (checked exactly only where commas disagree)."""
    lines = text.splitlines()
    if not lines:
        return []
    expected = next(csv.reader([lines[0]]))
    width = len(expected)
    problems = []
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.count(",") == width - 1:
            continue
        fields = next(csv.reader([line]), [])
        if len(fields) < width:
            problems.append(Problem("truncated_row", f"the row has {len(fields)} fields, the header has {width}", line=number))
        elif len(fields) > width:
            problems.append(Problem("too_many_fields", f"the row has {len(fields)} fields, the header has {width}", line=number))
    return problems
