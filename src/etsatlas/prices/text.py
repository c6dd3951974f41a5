"""From bytes to CSV text: encoding detection and the checks that a file is CSV at all."""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass

import pandas as pd

from .problems import Problem, PriceFileError

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
    if not data.strip():
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
    if (bad := _MOJIBAKE.search(text)) is not None:
        line = text[: bad.start()].count("\n") + 1
        raise fail(
            "encoding",
            f"text {text[bad.start():bad.start() + 2]!r} is UTF-8 read as Windows-1252 (double-encoded); "
            "download the export again",
            line,
        )
    return CsvText(file_name=file_name, sha256=sha, encoding=encoding, text=text)


def read_cells(source: CsvText) -> pd.DataFrame:
    """Every cell as a string or NaN when blank, one DataFrame row per file line (index 0 is line 1).

    Truncated and overlong rows are errors, with their line numbers: pandas would pad or
    reject them without saying which line.
    """
    problems = _field_count_problems(source.text)
    if problems:
        raise PriceFileError(source.file_name, problems)
    try:
        cells = pd.read_csv(
            io.StringIO(source.text), header=None, dtype=object, keep_default_na=False,
            na_values=BLANKS, skip_blank_lines=False, engine="c",
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise PriceFileError(source.file_name, [Problem("not_csv", f"not readable as CSV: {exc}")]) from None
    return cells


def _field_count_problems(text: str) -> list[Problem]:
    """Lines whose number of fields differs from the first line's (checked exactly only where commas disagree)."""
    import csv

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
