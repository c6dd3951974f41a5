"""Rules on what each system covers and how it hands out allowances."""

from __future__ import annotations

from etsatlas.schema import Section

from ..status import Status
from .base import Context, Finding, Rule, names, sentence

# Auction shares (percent) closer than this count as comparable.
AUCTION_SHARE_TOLERANCE_PCT = 20.0


def check_scope(ctx: Context) -> Finding:
    """Compares covered sectors and gases as sets of codes. Aligned when identical, needs alignment
    when they differ (a difference is common in links and rarely blocks one), not enough data when
    a system lists no sectors or no gases."""
    parts = []
    for path, what in [("scope.sectors", "sectors"), ("scope.gases", "gases")]:
        sets = {i: set(v or []) for i, v in ctx.values(path).items()}
        missing = [i for i, v in sets.items() if not v]
        if missing:
            return Finding(Status.NOT_ENOUGH_DATA, f"The covered {what} of {names(ctx, missing)} are not listed.")
        common = set.intersection(*sets.values())
        extra = {i: sorted(v - common) for i, v in sets.items() if v - common}
        if extra:
            parts.append(f"covered {what} differ (beyond the shared {', '.join(sorted(common)) or 'none'}: "
                         + "; ".join(f"{names(ctx, [i])} also {', '.join(v)}" for i, v in extra.items()) + ")")
    if parts:
        return Finding(Status.NEEDS_ALIGNMENT, sentence(parts))
    return Finding(Status.ALIGNED, "Every system covers the same sectors and gases.")


def allocation_kinds(methods: list[str]) -> set[str]:
    """Kinds of allocation named in the methods: 'auction' and/or 'free'.

    >>> sorted(allocation_kinds(["quarterly joint auctions", "free allocation to industry"]))
    ['auction', 'free']
    """
    text = " ".join(methods).lower()
    kinds = set()
    if "auction" in text:
        kinds.add("auction")
    if "free" in text or "output-based" in text or "grandfather" in text:
        kinds.add("free")
    return kinds


def check_allocation(ctx: Context) -> Finding:
    """With every auction share known: aligned within 20 percentage points, else needs alignment.
    Otherwise compares the kinds of allocation named (auctioning, free allocation): the same kinds
    are aligned, different kinds need alignment (free allocation in one system only shifts
    competitiveness across the joint market). Not enough data when a system names no method."""
    shares = ctx.values("allocation.auction_share_pct")
    if all(v is not None for v in shares.values()):
        listing = ", ".join(f"{names(ctx, [i])} {v:g} %" for i, v in shares.items())
        if max(shares.values()) - min(shares.values()) <= AUCTION_SHARE_TOLERANCE_PCT:
            return Finding(Status.ALIGNED, f"Auction shares are comparable ({listing}).")
        return Finding(Status.NEEDS_ALIGNMENT, f"Auction shares differ ({listing}).")
    kinds = {i: allocation_kinds(v or []) for i, v in ctx.values("allocation.methods").items()}
    derived = {i: {"allocation kinds": sorted(k)} for i, k in kinds.items()}
    missing = [i for i, k in kinds.items() if not k]
    if missing:
        return Finding(Status.NOT_ENOUGH_DATA, f"The allocation methods of {names(ctx, missing)} are unknown.", derived)
    if len({frozenset(k) for k in kinds.values()}) > 1:
        listing = "; ".join(f"{names(ctx, [i])}: {' and '.join(sorted(k))}" for i, k in kinds.items())
        return Finding(Status.NEEDS_ALIGNMENT, f"Allocation methods differ ({listing}).", derived)
    return Finding(
        Status.ALIGNED,
        f"Every system uses {' and '.join(sorted(next(iter(kinds.values()))))} allocation (shares not all known).",
        derived,
    )


RULES = [
    Rule(
        key="scope",
        title="Scope and coverage",
        fields=("scope.sectors", "scope.gases", "scope.thresholds", "scope.coverage_share_pct"),
        sections=(Section.SCOPE,),
        why=(
            "Linking does not require identical coverage, but differences in sectors, gases and "
            "thresholds decide which emitters compete in one market, whether the same activity "
            "is covered on one side only, and how comparable a tonne is."
        ),
        options=(
            "Accept different scopes, with transparency on what each unit covers.",
            "Align thresholds and gases for sectors that compete across the systems.",
            "Mutual recognition of coverage rules, reviewed at set intervals.",
        ),
        check=check_scope,
    ),
    Rule(
        key="allocation",
        title="Allocation and carbon-leakage protection",
        fields=("allocation.methods", "allocation.auction_share_pct", "allocation.note"),
        sections=(Section.ALLOCATION,),
        why=(
            "Linked, competing firms face one price but may receive very different free allocation; "
            "generous free allocation on one side becomes a competitive transfer, and leakage "
            "protection must be judged for the joint market."
        ),
        options=(
            "Harmonise benchmarks and leakage lists for competing sectors.",
            "Converge auction shares on an agreed timetable.",
            "Accept differences, with joint monitoring of competitiveness effects.",
        ),
        check=check_allocation,
    ),
]
