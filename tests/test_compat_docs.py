"""docs/compat.md documents every rule as the code defines it."""

from __future__ import annotations

from pathlib import Path

from etsatlas.compat import RULES
from etsatlas.compat.docs import generated_part, rules_markdown

DOCS = Path(__file__).resolve().parents[1] / "docs" / "compat.md"


def test_docs_rules_match_the_code():
    """Refresh with: python -m etsatlas.compat.docs docs/compat.md"""
    assert generated_part(DOCS.read_text(encoding="utf-8")) == rules_markdown()


def test_docs_name_every_rule_and_field():
    text = DOCS.read_text(encoding="utf-8")
    for rule in RULES:
        assert f"(`{rule.key}`)" in text
        for field in rule.fields:
            assert f"`{field}`" in text
