"""Every rule of the link assessment, in the order they are shown.

To add a rule: write its check function and `Rule` in the module of its theme and append it to
that module's `RULES`; the assessment, the docs (docs/compat.md) and the tests pick it up.
"""

from __future__ import annotations

from . import design, flexibility, governance, market, price_management
from .base import Context, Finding, Rule

RULES: list[Rule] = [
    *market.RULES,
    *price_management.RULES,
    *flexibility.RULES,
    *design.RULES,
    *governance.RULES,
]
RULES_BY_KEY = {rule.key: rule for rule in RULES}

__all__ = ["RULES", "RULES_BY_KEY", "Context", "Finding", "Rule"]
