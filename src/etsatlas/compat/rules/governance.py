"""Rules on institutions: MRV, registries, market oversight, legal basis and level of government.

MRV, registry and oversight rules are prose in the factsheets, which no rule can judge equivalent.
When the systems are already linked with each other, that link is the evidence that the partners
recognised each other's rules; otherwise known rules still need a review.
"""

from __future__ import annotations

from itertools import combinations

from etsatlas.schema import LinkType, Section
from etsatlas.schema import Status as SystemStatus

from ..status import Status
from .base import Context, Finding, Rule, names, sentence, verb

ACTIVE_LINKS = {LinkType.TWO_WAY, LinkType.MERGED}


def linked_pairs(ctx: Context) -> dict[tuple[str, str], str]:
    """Active two-way links between the selected systems, with their start year when stated."""
    found: dict[tuple[str, str], str] = {}
    ids = set(ctx.ids)
    for sheet in ctx.sheets:
        for link in sheet.links:
            if link.partner in ids and link.type in ACTIVE_LINKS and link.until is None:
                pair = tuple(sorted((sheet.id, link.partner)))
                found[pair] = str(link.since.year) if link.since else "an unstated date"  # type: ignore[index]
    return found


def all_linked(ctx: Context) -> bool:
    pairs = linked_pairs(ctx)
    return all(tuple(sorted(p)) in pairs for p in combinations(ctx.ids, 2))


def institutional(ctx: Context, path: str, what: str, action: str = "their equivalence needs a review") -> Finding:
    """Shared logic of the MRV, registry and oversight rules."""
    if all_linked(ctx):
        since = ", ".join(sorted(set(linked_pairs(ctx).values())))
        return Finding(Status.ALIGNED, f"The systems are already linked (since {since}), which required mutual recognition of their {what}.")
    missing = [i for i, v in ctx.values(path).items() if not v]
    if missing:
        return Finding(Status.NOT_ENOUGH_DATA, f"The {what} of {names(ctx, missing)} are not described.")
    return Finding(Status.NEEDS_ALIGNMENT, f"Every system describes its {what}; {action}.")


def check_mrv(ctx: Context) -> Finding:
    """Aligned when the systems are already linked with each other; otherwise needs alignment when
    every system describes its MRV (equivalence needs a review), not enough data when one does not."""
    return institutional(ctx, "governance.mrv", "MRV rules")


def check_registry(ctx: Context) -> Finding:
    """Aligned when the systems are already linked with each other; otherwise needs alignment when
    every system describes its registry (registries must be connected), not enough data when one
    does not."""
    return institutional(ctx, "governance.registry", "registries", "they must be connected")


def check_oversight(ctx: Context) -> Finding:
    """Aligned when the systems are already linked with each other; otherwise needs alignment when
    every system describes its market oversight, not enough data when one does not."""
    return institutional(ctx, "governance.oversight", "market oversight rules")


def check_legal_basis(ctx: Context) -> Finding:
    """A barrier when a system is abolished. Needs alignment when a system is not yet in force (a
    link can be designed in, not yet operated) or levels of government differ (the agreement must
    suit both, e.g. a subnational government cannot sign a treaty). Aligned otherwise."""
    status = {s.id: s.status.current for s in ctx.sheets}
    levels = {s.id: s.level for s in ctx.sheets}
    ended = [i for i, s in status.items() if s == SystemStatus.ABOLISHED]
    if ended:
        return Finding(Status.BARRIER, f"{names(ctx, ended)} {verb(ended, 'no longer operates', 'no longer operate')}.")
    problems = []
    pending = [i for i, s in status.items() if s != SystemStatus.IN_FORCE]
    if pending:
        problems.append(f"{names(ctx, pending)} {verb(pending, 'is', 'are')} not yet in force")
    if len(set(levels.values())) > 1:
        problems.append("levels of government differ (" + "; ".join(f"{names(ctx, [i])}: {lv.label.lower()}" for i, lv in levels.items()) + ")")
    if problems:
        return Finding(Status.NEEDS_ALIGNMENT, sentence(problems))
    return Finding(Status.ALIGNED, f"Every system is in force and run at the {next(iter(levels.values())).label.lower()} level.")


RULES = [
    Rule(
        key="mrv",
        title="MRV standards and verification",
        fields=("governance.mrv",),
        sections=(Section.MRV,),
        why=(
            "A unit from the partner system must stand for a tonne measured as rigorously as at "
            "home; weaker monitoring or verification on one side inflates the joint supply."
        ),
        options=(
            "Mutual recognition of MRV rules after an equivalence review.",
            "Harmonise monitoring methods and verifier accreditation.",
        ),
        check=check_mrv,
    ),
    Rule(
        key="registry",
        title="Registries and unit tracking",
        fields=("governance.registry",),
        sections=(Section.OVERSIGHT,),
        why=(
            "Units must move between the systems' accounts and be tracked once: linked registries "
            "(or one shared registry) prevent double counting and allow joint auctions."
        ),
        options=(
            "Connect the registries through an agreed transfer protocol.",
            "Use one shared registry and tracking system (as California and Québec do).",
        ),
        check=check_registry,
    ),
    Rule(
        key="oversight",
        title="Market oversight and participation rules",
        fields=("governance.oversight",),
        sections=(Section.OVERSIGHT,),
        why=(
            "One market needs one view of positions and trading: differing participation rules and "
            "oversight let manipulation or excessive holdings escape through the laxer side."
        ),
        options=(
            "Agree joint market monitoring and information sharing.",
            "Harmonise participation rules and holding limits.",
        ),
        check=check_oversight,
    ),
    Rule(
        key="legal_basis",
        title="Legal basis and level of government",
        fields=("status.current", "level", "governance.legal_basis", "governance.body"),
        sections=(Section.STATUS, Section.IDENTITY),
        why=(
            "The kind of agreement a link needs depends on who runs each system: national "
            "governments can sign treaties, subnational ones usually only non-binding agreements "
            "under their federal framework; both systems must be operating under a stable legal basis."
        ),
        options=(
            "A binding international agreement between national or supranational systems (as EU and Switzerland).",
            "A non-binding agreement between subnational governments (as California and Québec).",
            "Agree on delinking provisions and notice periods in the agreement.",
        ),
        check=check_legal_basis,
    ),
]
