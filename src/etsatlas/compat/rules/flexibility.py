"""Rules on flexibility and compliance: offsets, banking and borrowing, timing, penalties."""

from __future__ import annotations

import re

from etsatlas.schema import Section

from ..status import Status, worst
from .base import Context, Finding, Rule, compare_same, names, verb

# Offset limits (percent of obligation) closer than this count as harmonised.
OFFSET_LIMIT_TOLERANCE_PCT = 1.0
MULTI_YEAR = re.compile(r"multi|\d\s*-?\s*years?|\b(two|three|four)[- ]year|control period", re.IGNORECASE)
ANNUAL = re.compile(r"\bannual", re.IGNORECASE)


def check_offsets(ctx: Context) -> Finding:
    """Aligned when no system accepts offsets, or all do with quantitative limits within 1
    percentage point. Needs alignment when only some accept offsets or limits differ. Not enough
    data when acceptance, or a limit to compare, is unknown."""
    allowed = ctx.values("flexibility.offsets.allowed")
    yes = [i for i, v in allowed.items() if v is True]
    no = [i for i, v in allowed.items() if v is False]
    if yes and no:
        return Finding(Status.NEEDS_ALIGNMENT, f"{names(ctx, yes)} {verb(yes, 'accepts', 'accept')} offset credits; {names(ctx, no)} {verb(no, 'does', 'do')} not.")
    missing = [i for i, v in allowed.items() if v is None]
    if missing:
        return Finding(Status.NOT_ENOUGH_DATA, f"Whether {names(ctx, missing)} {verb(missing, 'accepts', 'accept')} offsets is unknown.")
    if not yes:
        return Finding(Status.ALIGNED, "No system accepts offset credits for compliance.")
    limits = ctx.values("flexibility.offsets.limit_pct")
    unknown = [i for i, v in limits.items() if v is None]
    if unknown:
        return Finding(Status.NOT_ENOUGH_DATA, f"Every system accepts offsets; the limit of {names(ctx, unknown)} is unknown.")
    listing = ", ".join(f"{names(ctx, [i])} {v:g} %" for i, v in limits.items())
    if max(limits.values()) - min(limits.values()) <= OFFSET_LIMIT_TOLERANCE_PCT:
        return Finding(Status.ALIGNED, f"Every system accepts offsets within similar limits ({listing}); eligibility lists still need mutual review.")
    return Finding(Status.NEEDS_ALIGNMENT, f"Offset limits differ ({listing}).")


def check_banking_borrowing(ctx: Context) -> Finding:
    """The worse of two comparisons: banking and borrowing must each be the same permission
    (allowed, limited, not allowed) in every system; a difference needs alignment."""
    banking = compare_same(ctx, "flexibility.banking", "Banking")
    borrowing = compare_same(ctx, "flexibility.borrowing", "Borrowing")
    return Finding(worst([banking.status, borrowing.status]), f"{banking.detail} {borrowing.detail}")


def period_kind(text: str | None) -> str | None:
    """'annual' or 'multi-year' from a compliance period in words, None when unknown or unclear.

    >>> period_kind("multi-year compliance periods (3-4 years) with annual partial surrender")
    'multi-year'
    >>> period_kind("annual (from 2023; earlier two-year periods)")
    'annual'
    """
    if not text:
        return None
    multi, annual = MULTI_YEAR.search(text), ANNUAL.search(text)
    if multi and annual:
        return "multi-year" if multi.start() < annual.start() else "annual"
    return "multi-year" if multi else "annual" if annual else None


def check_compliance_timing(ctx: Context) -> Finding:
    """Reads each compliance period in words as annual or multi-year, by whichever the text names
    first (so multi-year periods with interim annual surrenders count as multi-year). Aligned when all are of one kind,
    needs alignment when they differ, not enough data when a period is unknown or unclear."""
    periods = ctx.values("compliance.period")
    kinds = {i: period_kind(p) for i, p in periods.items()}
    derived = {i: {"period kind": k} for i, k in kinds.items()}
    known = {i: k for i, k in kinds.items() if k}
    if len(set(known.values())) > 1:
        listing = "; ".join(f"{names(ctx, [i])}: {k}" for i, k in known.items())
        return Finding(Status.NEEDS_ALIGNMENT, f"Compliance periods differ ({listing}).", derived)
    missing = [i for i, k in kinds.items() if k is None]
    if missing:
        return Finding(Status.NOT_ENOUGH_DATA, f"The compliance period of {names(ctx, missing)} is unknown or unclear.", derived)
    return Finding(Status.ALIGNED, f"Every system has {next(iter(known.values()))} compliance.", derived)


def check_penalties(ctx: Context) -> Finding:
    """A barrier when any system's penalty lacks a make-good obligation (paying the penalty then
    settles the obligation, so the penalty caps the joint price). Aligned when every penalty comes
    with make-good. Not enough data when make-good is unknown for a system."""
    make_good = ctx.values("compliance.penalty.make_good")
    without = [i for i, v in make_good.items() if v is False]
    if without:
        return Finding(Status.BARRIER, f"The penalty of {names(ctx, without)} has no make-good obligation and acts as a price ceiling.")
    missing = [i for i, v in make_good.items() if v is None]
    if missing:
        return Finding(Status.NOT_ENOUGH_DATA, f"Whether the penalty of {names(ctx, missing)} requires make-good is unknown.")
    return Finding(Status.ALIGNED, "Every system requires missing units to be surrendered besides the penalty.")


RULES = [
    Rule(
        key="offsets",
        title="Offsets and credits",
        fields=("flexibility.offsets.allowed", "flexibility.offsets.limit_pct", "flexibility.offsets.limits"),
        sections=(Section.FLEXIBILITY,),
        why=(
            "Linked, allowances are interchangeable: credits one system accepts free up its "
            "allowances for the other's obligations. The most lenient offset rules become the entry "
            "door for the whole market."
        ),
        options=(
            "Harmonise eligibility (project types, vintages, standards) and quantitative limits.",
            "Mutual recognition of offset protocols, with a joint eligibility list.",
            "A quantitative limit on units imported from the more lenient system.",
        ),
        check=check_offsets,
    ),
    Rule(
        key="banking_borrowing",
        title="Banking and borrowing",
        fields=("flexibility.banking", "flexibility.borrowing"),
        sections=(Section.FLEXIBILITY,),
        why=(
            "Linked, units move across time through whichever system allows it: borrowing in one "
            "system lets the whole market borrow, and a banking limit in one is bypassed by holding "
            "the other's units."
        ),
        options=(
            "Harmonise banking and borrowing rules.",
            "Apply holding limits on the joint market.",
            "Exclude borrowed units from transfer to the partner system.",
        ),
        check=check_banking_borrowing,
    ),
    Rule(
        key="compliance_timing",
        title="Compliance period and surrender deadlines",
        fields=("compliance.period", "compliance.deadline"),
        sections=(Section.COMPLIANCE,),
        why=(
            "Different compliance periods and deadlines let entities surrender at different times "
            "from one pool of units, which shifts demand over the year and makes joint oversight "
            "of compliance harder."
        ),
        options=(
            "Harmonise compliance periods and surrender deadlines.",
            "Keep separate calendars but agree on reporting of surrendered units across registries.",
        ),
        check=check_compliance_timing,
    ),
    Rule(
        key="penalties",
        title="Penalties and enforcement",
        fields=("compliance.penalty.make_good", "compliance.penalty.amount", "compliance.penalty.currency", "compliance.penalty.description"),
        sections=(Section.COMPLIANCE,),
        why=(
            "Where a penalty without make-good settles the obligation, no entity pays more than the "
            "penalty for a unit: linked, that penalty becomes a ceiling on the joint price, and "
            "weak enforcement in one system undermines the other's cap."
        ),
        options=(
            "Require make-good (surrender of missing units) in every system.",
            "Harmonise penalty levels and enforcement practice.",
            "A restricted link until enforcement is judged equivalent.",
        ),
        check=check_penalties,
    ),
]
