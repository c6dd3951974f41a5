"""Rules on the joint market itself: cap type, ambition and price gap, currencies and units."""

from __future__ import annotations

from typing import Any

from etsatlas.schema import Mechanism, Section

from ..prices import common_currency, latest_price
from ..status import Status
from .base import Context, Finding, Rule, names, sentence, verb

# Mechanisms whose definition fixes whether the cap is absolute (see schema/vocab.py).
CAP_KIND_OF_MECHANISM = {
    Mechanism.CAP_AND_TRADE.value: "absolute",
    Mechanism.INTENSITY_BASED.value: "intensity",
    Mechanism.BASELINE_AND_CREDIT.value: "none",
}
# Price ratios (highest / lowest latest price) separating the statuses of the ambition rule.
PRICE_RATIO_ALIGNED = 1.25
PRICE_RATIO_BARRIER = 3.0


def cap_kind(ctx: Context, system_id: str) -> str | None:
    sheet = next(s for s in ctx.sheets if s.id == system_id)
    kind = ctx.values("cap.type")[system_id]
    if kind is None and sheet.mechanism is not None and sheet.mechanism.value is not None:
        kind = CAP_KIND_OF_MECHANISM.get(sheet.mechanism.value.value)
    return kind


def check_cap_type(ctx: Context) -> Finding:
    """Aligned when every cap is absolute. A barrier when an absolute cap meets an intensity-based
    cap or none (known values suffice). Needs alignment when no cap is absolute. Without `cap.type`,
    the mechanism decides where its definition fixes the cap kind (cap-and-trade: absolute;
    intensity-based: intensity; baseline-and-credit: no aggregate cap)."""
    kinds = {i: cap_kind(ctx, i) for i in ctx.ids}
    absolute = [i for i, k in kinds.items() if k == "absolute"]
    other = [i for i, k in kinds.items() if k not in (None, "absolute")]
    derived = {i: {"cap kind": k} for i, k in kinds.items()}
    if absolute and other:
        return Finding(
            Status.BARRIER,
            f"{names(ctx, absolute)} {verb(absolute, 'caps', 'cap')} emissions in absolute terms; {names(ctx, other)} {verb(other, 'does', 'do')} not "
            f"({', '.join(f'{kinds[i]}' for i in other)}), so the joint market would have no fixed total.",
            derived,
        )
    missing = [i for i, k in kinds.items() if k is None]
    if missing:
        return Finding(Status.NOT_ENOUGH_DATA, f"The cap type of {names(ctx, missing)} is unknown.", derived)
    if other:
        return Finding(Status.NEEDS_ALIGNMENT, "No system has an absolute cap; benchmarks would need matching.", derived)
    return Finding(Status.ALIGNED, "Every system has an absolute cap.", derived)


def check_ambition(ctx: Context) -> Finding:
    """Compares the latest observed prices, converted to one currency when rates are given.
    Aligned when the highest is at most 1.25 times the lowest, a barrier above 3 times (transfers
    of that size change at least one system's ambition), needs alignment in between. Not enough
    data without a price for every system or a rate between their currencies."""
    prices = {s.id: latest_price(s) for s in ctx.sheets}
    derived: dict[str, dict[str, Any]] = {i: {"latest price": p.as_dict() if p else None} for i, p in prices.items()}
    missing = [i for i, p in prices.items() if p is None]
    if missing:
        return Finding(Status.NOT_ENOUGH_DATA, f"No dated price for {names(ctx, missing)}.", derived)
    known = {i: p for i, p in prices.items() if p is not None}
    common = common_currency(known, ctx.fx)
    if common is None:
        currencies = sorted({p.currency for p in known.values()})
        return Finding(
            Status.NOT_ENOUGH_DATA,
            f"Prices are in {', '.join(currencies)} and no exchange rate between them was given.",
            derived,
        )
    if len({p.currency for p in known.values()}) > 1:
        derived = {i: {**d, "converted": round(common[i], 2)} for i, d in derived.items()}
    low, high = min(common, key=common.__getitem__), max(common, key=common.__getitem__)
    ratio = common[high] / common[low] if common[low] > 0 else float("inf")
    if ratio <= 1.005:
        text = "The latest prices are equal once in one currency; little trade between the systems is expected."
    else:
        text = (f"The latest price of {names(ctx, [high])} is {ratio:.2f} times that of {names(ctx, [low])}; "
                f"allowances would flow from {names(ctx, [low])} to {names(ctx, [high])}.")
    if len({p.currency for p in known.values()}) > 1:
        text += f" Prices converted with exchange rates {ctx.fx_source}."
    if ratio <= PRICE_RATIO_ALIGNED:
        return Finding(Status.ALIGNED, text, derived)
    return Finding(Status.BARRIER if ratio > PRICE_RATIO_BARRIER else Status.NEEDS_ALIGNMENT, text, derived)


def currencies_of(ctx: Context, system_id: str) -> list[str]:
    sheet = next(s for s in ctx.sheets if s.id == system_id)
    found = [p.currency for p in sheet.latest_prices]
    pm = sheet.price_management
    found += [x.currency for x in (pm.floor, pm.ceiling, pm.emissions_containment) if x and x.currency]
    if sheet.compliance.penalty and sheet.compliance.penalty.currency:
        found.append(sheet.compliance.penalty.currency)
    return sorted({c for c in found if c})


def check_currency(ctx: Context) -> Finding:
    """Aligned when every system prices in the same single currency and counts caps in the same
    unit. Needs alignment when currencies differ (an exchange-rate arrangement) or a cap is counted
    in short tons rather than metric tonnes (a unit conversion). Not enough data when a system
    states no currency anywhere (prices, price levels, penalty)."""
    currencies = {i: currencies_of(ctx, i) for i in ctx.ids}
    units = {s.id: sorted({v.unit for v in s.cap.values}) for s in ctx.sheets}
    derived = {i: {"currencies": currencies[i], "cap units": units[i]} for i in ctx.ids}
    short_tons = [i for i, u in units.items() if any("short ton" in x.lower() for x in u)]
    all_currencies = sorted({c for cs in currencies.values() for c in cs})
    problems = []
    if len(all_currencies) > 1:
        problems.append(f"currencies differ ({', '.join(all_currencies)})")
    if short_tons:
        problems.append(f"{names(ctx, short_tons)} {verb(short_tons, 'counts', 'count')} in short tons, not metric tonnes")
    if problems:
        return Finding(Status.NEEDS_ALIGNMENT, sentence(problems), derived)
    missing = [i for i, c in currencies.items() if not c]
    if missing:
        return Finding(Status.NOT_ENOUGH_DATA, f"No currency is stated for {names(ctx, missing)}.", derived)
    return Finding(Status.ALIGNED, f"Every system uses {all_currencies[0]}.", derived)


RULES = [
    Rule(
        key="ambition",
        title="Ambition and expected price differential",
        fields=("latest_prices", "cap.trajectory"),
        sections=(Section.PRICES, Section.CAP),
        why=(
            "Once linked, one price forms for the joint market: the cheaper system sells allowances "
            "to the dearer one until prices meet. A wide gap means large financial transfers, "
            "higher prices in the low-price system and lower ones in the high-price system, which "
            "changes what each cap achieves at home."
        ),
        options=(
            "Harmonise ambition first (cap trajectories) so prices converge before linking.",
            "Start with a restricted link: a quantitative limit on units imported each year.",
            "A one-way link first, from the stricter system accepting the other's units.",
            "Phase in the link with a transitional exchange-rate or discount on imported units.",
        ),
        check=check_ambition,
        shown=("cap.trajectory",),
    ),
    Rule(
        key="cap_type",
        title="Cap type (absolute or intensity-based)",
        fields=("cap.type", "mechanism"),
        sections=(Section.CAP, Section.IDENTITY),
        why=(
            "An absolute cap fixes total emissions; an intensity-based cap lets the allowance volume "
            "grow with output. Linked, units from the system without a fixed total can flow into the "
            "capped one, so the joint market no longer guarantees the absolute cap's outcome."
        ),
        options=(
            "Wait until the intensity-based system adopts an absolute cap.",
            "A one-way link: the intensity-based system accepts the absolute system's units, not the reverse.",
            "A restricted link with a quantitative limit on units flowing into the absolute system.",
            "Convert intensity benchmarks into a fixed aggregate allowance budget for the link period.",
        ),
        check=check_cap_type,
    ),
    Rule(
        key="currency",
        title="Currencies and units of account",
        fields=("latest_prices", "price_management.floor.currency", "compliance.penalty.currency", "cap.values"),
        sections=(Section.PRICES, Section.PRICE_MANAGEMENT, Section.CAP),
        why=(
            "Allowances of linked systems are traded one for one, but price levels (floors, reserve "
            "triggers, penalties) are set in each currency, so exchange-rate moves shift them "
            "against each other; caps counted in different units need a conversion to stay fungible."
        ),
        options=(
            "Set joint price levels in one currency and convert at each auction (as California and Québec do).",
            "Agree an exchange-rate rule for floors, triggers and penalties.",
            "Define the unit of account (metric tonne CO2e) and convert caps counted otherwise.",
        ),
        check=check_currency,
        shown=("price_management.floor.currency", "compliance.penalty.currency"),
    ),
]
