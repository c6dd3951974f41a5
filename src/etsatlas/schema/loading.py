"""Reading and writing factsheet YAML, with errors that name the file, line, system and field.

Loading is all-or-nothing: `load_factsheets` validates every file and raises one
`FactsheetError` listing every problem, so a bad record never leaves a half-written seed.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .factsheet import Factsheet

DATA_DIR = Path(__file__).resolve().parents[1] / "data" / "systems"


@dataclasses.dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located precisely enough to fix it from the message."""

    file: str
    line: int | None
    system: str | None
    field: str
    message: str
    code: str = "invalid"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        who = f" [{self.system}]" if self.system else ""
        return f"{where}{who} {self.field}: {self.message} ({self.code})"

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


class FactsheetError(ValueError):
    """One or more factsheets are invalid; `problems` lists them all."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{len(self.problems)} problem(s) in factsheet data:\n{lines}")


def _line_of(node: yaml.Node | None, path: Sequence[str | int]) -> int | None:
    """1-based line of the YAML node at `path`, or of the deepest ancestor that exists."""
    line = node.start_mark.line + 1 if node is not None else None
    for key in path:
        node = _child(node, key)
        if node is None:
            break
        line = node.start_mark.line + 1
    return line


def _child(node: yaml.Node | None, key: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        return next((v for k, v in node.value if k.value == key), None)
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
        return node.value[key]
    return None


def _as_written(node: yaml.Node | None, loc: list[str | int]) -> list[str | int]:
    """Drop the inner `value` of a Fact written as a plain value, so the path names the field in the file."""
    if node is None or len(loc) < 2 or loc[-1] != "value":
        return loc
    parent = node
    for key in loc[:-1]:
        parent = _child(parent, key)
    return loc[:-1] if isinstance(parent, yaml.ScalarNode) else loc


def _field_path(loc: Sequence[str | int]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in {"Fact[int]", "Fact[float]", "Fact[str]", "Fact[bool]"} or part.startswith("Fact["):
            continue
        else:
            out += f".{part}" if out else str(part)
    return out or "(record)"


def validation_problems(
    exc: ValidationError, *, file: str, system: str | None, node: yaml.Node | None = None
) -> list[Problem]:
    problems = []
    for err in exc.errors(include_url=False):
        loc = [p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
        loc = _as_written(node, loc)
        problems.append(
            Problem(
                file=file,
                line=_line_of(node, loc) if node is not None else None,
                system=system,
                field=_field_path(loc),
                message=err["msg"],
                code=err["type"],
            )
        )
    return problems


def parse_factsheet_yaml(text: str, file: str) -> tuple[Factsheet | None, list[Problem]]:
    """Parse and validate one factsheet document."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return None, [
            Problem(file, mark.line + 1 if mark else None, None, "(document)", f"not valid YAML: {exc}", "yaml")
        ]
    if not isinstance(data, dict):
        return None, [Problem(file, 1, None, "(document)", "expected a mapping of factsheet fields", "type")]
    system = data.get("id") if isinstance(data.get("id"), str) else None
    try:
        return Factsheet.model_validate(data), []
    except ValidationError as exc:
        return None, validation_problems(exc, file=file, system=system, node=node)


def load_factsheets(paths: Iterable[Path] | None = None) -> list[Factsheet]:
    """Load and validate every factsheet (default: the curated seed data), or raise with all problems."""
    from .checks import run_checks

    files = sorted(paths) if paths is not None else sorted(DATA_DIR.glob("*.yaml"))
    sheets: list[Factsheet] = []
    problems: list[Problem] = []
    for path in files:
        sheet, found = parse_factsheet_yaml(path.read_text(encoding="utf-8"), _display(path))
        problems.extend(found)
        if sheet is not None:
            if sheet.id != path.stem:
                problems.append(
                    Problem(_display(path), 1, sheet.id, "id", f"id {sheet.id!r} differs from file name {path.stem!r}", "id_mismatch")
                )
            sheets.append(sheet)
    problems.extend(run_checks(sheets))
    if problems:
        raise FactsheetError(problems)
    return sheets


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def factsheet_to_data(sheet: Factsheet) -> dict[str, Any]:
    """Plain JSON-compatible data of a factsheet, without empty parts."""
    return json.loads(sheet.model_dump_json(exclude_none=True, exclude_defaults=True))


def dump_factsheet_yaml(sheet: Factsheet) -> str:
    return yaml.safe_dump(factsheet_to_data(sheet), sort_keys=False, allow_unicode=True, width=100)
