"""Reading scenario documents (YAML or JSON) into validated models, with errors that name the field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .scenario import Scenario


class ScenarioError(ValueError):
    """A scenario document that cannot be used; `field` is a dotted path such as systems[1].mac.points."""

    code = "invalid_scenario"

    def __init__(self, message: str, *, field: str | None = None, source: str | None = None, line: int | None = None):
        self.message, self.field, self.source, self.line = message, field, source, line
        where = ":".join(str(p) for p in (source, line) if p is not None)
        prefix = f"{where}: " if where else ""
        at = f"{field}: " if field and not message.startswith(field) else ""
        super().__init__(f"{prefix}{at}{message}")


def _field_path(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts[-1:] = [f"{parts[-1]}[{item}]"] if parts else [f"[{item}]"]
        elif item in {"linear", "piecewise", "constant_elasticity"}:
            continue  # the discriminated-union tag pydantic puts in the location
        else:
            parts.append(str(item))
    return ".".join(parts)


def _line_of(text: str | None, loc: tuple[Any, ...]) -> int | None:
    """1-based line of the YAML node at `loc`, or of its nearest existing parent."""
    if not text:
        return None
    try:
        node = yaml.compose(text)
    except yaml.YAMLError:
        return None
    line = node.start_mark.line + 1 if node is not None else None
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            match = [v for k, v in node.value if k.value == key]
            if not match:
                break
            node = match[0]
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            continue
        line = node.start_mark.line + 1
    return line


def parse_scenario(data: Any, *, source: str | None = None, text: str | None = None) -> Scenario:
    """Validate a decoded document; raise ScenarioError naming the first wrong field."""
    if not isinstance(data, dict):
        raise ScenarioError("a scenario is a mapping with `systems` (and optionally `links`)", source=source)
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = tuple(first.get("loc", ()))
        message = str(first.get("msg", "invalid value")).removeprefix("Value error, ")
        field = _field_path(loc) or None
        if field is None and ":" in message.split(" ")[0]:
            field = message.split(":")[0]
        raise ScenarioError(message, field=field, source=source, line=_line_of(text, loc)) from None


def loads_scenario(text: str, *, source: str | None = None) -> Scenario:
    try:
        data = json.loads(text) if text.lstrip().startswith("{") else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise ScenarioError(f"not valid YAML or JSON: {exc}", source=source) from None
    return parse_scenario(data, source=source, text=text)


def load_scenario(path: str | Path) -> Scenario:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScenarioError(f"cannot read scenario: {exc.strerror}", source=str(path)) from None
    return loads_scenario(text, source=str(path))
