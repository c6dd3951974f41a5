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


def test_documented_thresholds_match_the_constants():
    """The reasoning shown in the docs quotes the thresholds the code uses."""
    from etsatlas.compat import RULES_BY_KEY
    from etsatlas.compat.rules import design, flexibility, market, price_management

    assert f"{market.PRICE_RATIO_ALIGNED:g} times" in RULES_BY_KEY["ambition"].reasoning
    assert f"above {market.PRICE_RATIO_BARRIER:g} times" in RULES_BY_KEY["ambition"].reasoning
    assert f"{price_management.LEVEL_TOLERANCE * 100:g} %" in RULES_BY_KEY["price_floor"].reasoning
    assert f"within {flexibility.OFFSET_LIMIT_TOLERANCE_PCT:g} percentage point" in RULES_BY_KEY["offsets"].reasoning
    assert f"{design.AUCTION_SHARE_TOLERANCE_PCT:g} percentage points" in RULES_BY_KEY["allocation"].reasoning
