"""Linking compatibility and readiness: assess any 2 to 6 systems, element by element.

Pure Python over validated factsheets (no Django). The rules are data plus small functions
(`rules/`), each documenting its reasoning and the fields it reads; `assess` runs them and
builds the overall status, the economic preview and the checklist; `whatif` assesses edited
copies of factsheets. See docs/compat.md (generated from the rules by `rules_markdown`).
"""

from .assessment import MAX_SYSTEMS, MIN_SYSTEMS, Assessment, AssessmentError, ElementResult, assess
from .rules import RULES, RULES_BY_KEY, Rule
from .status import Status, worst
from .whatif import EDITABLE, Edit, WhatIfError, apply_edits

__all__ = [
    "EDITABLE",
    "MAX_SYSTEMS",
    "MIN_SYSTEMS",
    "RULES",
    "RULES_BY_KEY",
    "Assessment",
    "AssessmentError",
    "Edit",
    "ElementResult",
    "Rule",
    "Status",
    "WhatIfError",
    "apply_edits",
    "assess",
    "worst",
]
