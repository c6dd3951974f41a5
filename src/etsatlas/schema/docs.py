"""Markdown reference of the factsheet schema, generated from the models (docs/factsheet.md).

`python -m etsatlas.schema.docs > docs/factsheet.md`; a test fails when the file is stale.
"""

from __future__ import annotations

import typing

from pydantic import BaseModel

from . import vocab
from .factsheet import Factsheet

VOCABULARIES = [vocab.Status, vocab.Level, vocab.Region, vocab.Mechanism, vocab.Sector, vocab.Gas,
                vocab.CapType, vocab.Permission, vocab.LinkType, vocab.Market, vocab.Section]


def _type_name(annotation) -> str:
    origin = typing.get_origin(annotation)
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        name = annotation.__name__
        return name.replace("Fact[", "fact of ").rstrip("]") if name.startswith("Fact[") else f"[{name}](#{name.lower()})"
    if origin is list:
        return f"list of {_type_name(args[0])}"
    if origin in (typing.Union, getattr(__import__('types'), 'UnionType', None)):
        return " or ".join(_type_name(a) for a in args)
    if origin is typing.Annotated:
        return _type_name(args[0])
    return getattr(annotation, "__name__", str(annotation))


def _models(model: type[BaseModel], seen: list) -> list[type[BaseModel]]:
    if model in seen or model.__name__.startswith("Fact["):
        return seen
    seen.append(model)
    for field in model.model_fields.values():
        stack = [field.annotation]
        while stack:
            ann = stack.pop()
            stack.extend(typing.get_args(ann))
            if isinstance(ann, type) and issubclass(ann, BaseModel):
                _models(ann, seen)
    return seen


def render() -> str:
    out = ["# Factsheet reference", "",
           "Generated from `src/etsatlas/schema/` by `python -m etsatlas.schema.docs`; do not edit by hand.",
           "The JSON Schema is published at `/api/v1/schema/factsheet.json`.", "",
           "A *fact of T* is a value that may be unknown (`null`, shown as unknown) or uncertain: "
           "write `42` for a confirmed value or `{value: 42, uncertain: true, note: ...}`.", ""]
    for model in _models(Factsheet, []):
        out += [f"## {model.__name__}", "", (model.__doc__ or "").strip().splitlines()[0] if model.__doc__ else "", "",
                "| field | type | required | description |", "|---|---|---|---|"]
        for name, field in model.model_fields.items():
            out.append(f"| `{name}` | {_type_name(field.annotation)} | {'yes' if field.is_required() else 'no'} | "
                       f"{field.description or ''} |")
        out.append("")
    out += ["## Vocabularies", ""]
    for voc in VOCABULARIES:
        out += [f"### {voc.__name__}", "", "| value | label | meaning |", "|---|---|---|"]
        out += [f"| `{m.value}` | {m.label} | {m.description} |" for m in voc]
        out.append("")
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":
    print(render(), end="")
