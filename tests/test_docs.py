"""Generated documentation stays in step with the code; every setting is documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("doc", "module"),
    [("docs/factsheet.md", "etsatlas.schema.docs"), ("docs/cli.md", "etsatlas.cli.reference")],
)
def test_generated_reference_is_current(doc, module):
    import importlib

    rendered = importlib.import_module(module).render()
    assert (ROOT / doc).read_text(encoding="utf-8") == rendered, (
        f"{doc} is stale: run `.venv/bin/python -m {module} > {doc}`")


def test_every_environment_setting_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    names = set()
    for path in (ROOT / "src/etsatlas/web/settings").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        names |= set(re.findall(r'os\.environ\.get\("([A-Z_]+)"', text))
        names |= set(re.findall(r'env_(?:bool|list)\("([A-Z_]+)"', text))
    assert names, "no settings found"
    missing = sorted(n for n in names if f"`{n}`" not in readme)
    assert missing == []


def test_every_error_code_of_the_consistency_checks_is_documented():
    from etsatlas.schema.checks import CHECKS

    docs = [c.__doc__ or "" for c in CHECKS]
    assert all(re.match(r"atlas\.E\d{3}: ", d.strip()) for d in docs)
