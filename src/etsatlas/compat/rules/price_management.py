"""Rules on price and supply management: floors, ceilings, cost-containment and stability reserves.

In a link each of these acts on the joint market: a floor in one system supports the price for
everyone, a ceiling or a reserve releases supply to everyone.
"""

from __future__ import annotations

from collections.abc import Sequence

from etsatlas.schema import Factsheet, Section

from ..status import Status, worst
from .base import Context, Finding, Rule, names, verb

# Price levels within this relative distance of each other count as harmonised.
LEVEL_TOLERANCE = 0.15


def article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def exists(ctx: Context, path: str) -> dict[str, bool | None]:
    return {i: v for i, v in ctx.values(f"{path}.exists").items()}


def compare_instrument(ctx: Context, path: str, what: str, mixed: Status, levels: bool = True) -> Finding:
    """Shared logic: none anywhere is aligned; present in some only gives `mixed`; present
    everywhere compares the levels (converted with the given rates)."""
    present = exists(ctx, path)
    have = [i for i, v in present.items() if v is True]
    lack = [i for i, v in present.items() if v is False]
    if have and lack:
        return Finding(mixed, f"{names(ctx, have)} {verb(have, 'has', 'have')} {article(what)} {what}; {names(ctx, lack)} {verb(lack, 'does', 'do')} not.")
    missing = [i for i, v in present.items() if v is None]
    if missing:
        return Finding(Status.NOT_ENOUGH_DATA, f"Whether {names(ctx, missing)} {verb(missing, 'has', 'have')} {article(what)} {what} is unknown.")
    if not have:
        return Finding(Status.ALIGNED, f"No system has a {what}.")
    if not levels:
        return compare_tiers(ctx, path, what, have)
    return compare_levels(ctx, path, what, have)


def compare_levels(ctx: Context, path: str, what: str, ids: Sequence[str]) -> Finding:
    levels = ctx.values(f"{path}.value")
    currencies = ctx.values(f"{path}.currency")
    unknown = [i for i in ids if levels[i] is None or currencies[i] is None]
    if unknown:
        return Finding(Status.NOT_ENOUGH_DATA, f"Every system has a {what}, but the level of {names(ctx, unknown)} is unknown.")
    target = currencies[ids[0]]
    converted = {i: ctx.convert(float(levels[i]), currencies[i], target) for i in ids}
    if any(v is None for v in converted.values()):
        return Finding(
            Status.NOT_ENOUGH_DATA,
            f"Every system has a {what}, set in {', '.join(sorted({currencies[i] for i in ids}))}; no exchange rate was given to compare them.",
        )
    values = [v for v in converted.values() if v is not None]
    spread = (max(values) - min(values)) / max(values) if max(values) > 0 else 0.0
    listing = ", ".join(f"{names(ctx, [i])} {levels[i]:g} {currencies[i]}" for i in ids)
    if spread <= LEVEL_TOLERANCE:
        return Finding(Status.ALIGNED, f"Every system has a {what} at a similar level ({listing}).")
    return Finding(Status.NEEDS_ALIGNMENT, f"The {what} levels differ ({listing}).")


def first_trigger(sheet: Factsheet) -> tuple[float, str] | None:
    """The lowest known trigger price of a system's cost-containment reserve, with its currency."""
    reserve = sheet.price_management.cost_containment
    found = [
        (float(t.trigger_price.value), t.currency)
        for t in (reserve.tiers if reserve else [])
        if t.trigger_price is not None and t.trigger_price.value is not None and t.currency
    ]
    return min(found, default=None)


def compare_tiers(ctx: Context, path: str, what: str, ids: Sequence[str]) -> Finding:
    """Compare the lowest trigger price of each system's reserve tiers."""
    triggers = {s.id: first_trigger(s) for s in ctx.sheets}
    unknown = [i for i in ids if triggers[i] is None]
    if unknown:
        return Finding(Status.NOT_ENOUGH_DATA, f"Every system has a {what}; the trigger prices of {names(ctx, unknown)} are unknown.")
    target = triggers[ids[0]][1]  # type: ignore[index]
    converted = [ctx.convert(t[0], t[1], target) for t in triggers.values() if t]
    if any(v is None for v in converted):
        return Finding(Status.NOT_ENOUGH_DATA, f"Every system has a {what}, with triggers in different currencies and no exchange rate given.")
    values = [v for v in converted if v is not None]
    spread = (max(values) - min(values)) / max(values) if max(values) > 0 else 0.0
    listing = ", ".join(f"{names(ctx, [i])} {t[0]:g} {t[1]}" for i, t in triggers.items() if t)
    if spread <= LEVEL_TOLERANCE:
        return Finding(Status.ALIGNED, f"Every system has a {what} with a similar first trigger ({listing}).")
    return Finding(Status.NEEDS_ALIGNMENT, f"The first {what} triggers differ ({listing}).")


def check_floor(ctx: Context) -> Finding:
    """Aligned when no system has a floor, or all have one at levels within 15 % (after conversion).
    Needs alignment when only some have a floor or levels differ. Not enough data when whether a
    floor exists, or a level to compare, is unknown."""
    return compare_instrument(ctx, "price_management.floor", "price floor", Status.NEEDS_ALIGNMENT)


def check_ceiling(ctx: Context) -> Finding:
    """The worse of two checks. Hard ceiling: present in some systems only is a barrier (unlimited
    supply at the ceiling for the whole joint market); present everywhere compares levels as for
    floors. Cost-containment reserve: present in some only needs alignment (limited extra supply);
    present everywhere compares the lowest trigger prices (within 15 % is aligned; unknown triggers
    or a missing exchange rate give not enough data)."""
    ceiling = compare_instrument(ctx, "price_management.ceiling", "hard price ceiling", Status.BARRIER)
    reserve = compare_instrument(
        ctx, "price_management.cost_containment", "cost-containment reserve", Status.NEEDS_ALIGNMENT, levels=False
    )
    return Finding(worst([ceiling.status, reserve.status]), f"{ceiling.detail} {reserve.detail}")


def check_stability(ctx: Context) -> Finding:
    """Aligned when no system has a quantity-based stability reserve or an emissions-containment
    reserve. Needs alignment when any has one (its trigger reads one system's surplus or price, which
    a link pools). Not enough data when it is unknown for a system and none is known to have one."""
    findings = []
    for path, what in [("price_management.stability_reserve", "market stability reserve"),
                       ("price_management.emissions_containment", "emissions-containment reserve")]:
        present = exists(ctx, path)
        have = [i for i, v in present.items() if v is True]
        if have:
            findings.append(Finding(Status.NEEDS_ALIGNMENT, f"{names(ctx, have)} {verb(have, 'operates', 'operate')} {article(what)} {what}."))
        elif any(v is None for v in present.values()) and path.endswith("stability_reserve"):
            missing = [i for i, v in present.items() if v is None]
            findings.append(Finding(Status.NOT_ENOUGH_DATA, f"Whether {names(ctx, missing)} {verb(missing, 'has', 'have')} {article(what)} {what} is unknown."))
    if not findings:
        return Finding(Status.ALIGNED, "No system adjusts supply through a stability or containment reserve.")
    return Finding(worst(f.status for f in findings), " ".join(f.detail for f in findings))


RULES = [
    Rule(
        key="price_floor",
        title="Price floor and auction reserve price",
        fields=("price_management.floor.exists", "price_management.floor.value", "price_management.floor.currency"),
        sections=(Section.PRICE_MANAGEMENT,),
        why=(
            "In a linked market a floor in one system holds up the joint price only through that "
            "system's auctions: buyers turn to the other system's cheaper units, so the floor system "
            "sells less and its floor protects the joint price only partly, or drains its revenue."
        ),
        options=(
            "Harmonise the auction reserve price (one level, converted at each auction).",
            "Adopt a joint auction with a common reserve price.",
            "Accept a floor in one system only, knowing it binds only on its own auctions.",
        ),
        check=check_floor,
    ),
    Rule(
        key="price_ceiling",
        title="Price ceiling and cost-containment reserves",
        fields=(
            "price_management.ceiling.exists",
            "price_management.ceiling.value",
            "price_management.cost_containment.exists",
            "price_management.cost_containment.tiers",
        ),
        sections=(Section.PRICE_MANAGEMENT,),
        why=(
            "A ceiling or a reserve releases extra units when prices rise; once linked those units "
            "serve every system's obligations, so one system's ceiling caps the joint price and its "
            "extra supply weakens the other system's cap."
        ),
        options=(
            "Harmonise ceiling and reserve trigger prices.",
            "Create a joint cost-containment reserve, funded by both systems.",
            "Remove the hard ceiling, or replace it with a volume-limited reserve, before linking.",
            "A restricted link suspending imports when the ceiling is reached.",
        ),
        check=check_ceiling,
    ),
    Rule(
        key="market_stability",
        title="Market stability mechanisms",
        fields=("price_management.stability_reserve.exists", "price_management.emissions_containment.exists"),
        sections=(Section.PRICE_MANAGEMENT,),
        why=(
            "A stability reserve withdraws or releases units by a rule on its own system's surplus or "
            "price. Linked, surplus and price are joint, so each reserve acts on a market it does not "
            "measure, and one system's withdrawals support both."
        ),
        options=(
            "Define the reserve's trigger on the joint market's surplus.",
            "Run a joint stability reserve with agreed intake and release rules.",
            "Share the reserve's effect in proportion to each system's auction volume.",
        ),
        check=check_stability,
    ),
]
