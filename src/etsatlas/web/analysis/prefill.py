"""Factsheet -> plain values for `etsatlas.market.calibration.prefill` (the market package stays web-free)."""

from __future__ import annotations

from etsatlas.market.calibration import KnownValues, Value
from etsatlas.schema import Factsheet
from etsatlas.schema.fact import fact_value


def _fact(fact, source: str) -> Value:
    if fact is None:
        return Value(None, f"{source}: not in the factsheet")
    return Value(fact.value, source, uncertain=fact.uncertain)


def _latest_cap(sheet: Factsheet) -> Value:
    annual = [c for c in sheet.cap.values if c.year is not None and c.value.value is not None]
    if not annual:
        return Value(None, "cap: no annual value in the factsheet")
    latest = max(annual, key=lambda c: c.year or 0)
    return Value(latest.value.value, f"cap {latest.year} ({latest.unit})", uncertain=latest.value.uncertain)


def _latest_price(sheet: Factsheet) -> tuple[Value, str | None]:
    known = [p for p in sheet.latest_prices if p.value is not None and p.value.value is not None]
    if not known:
        return Value(None, "price: no observed price in the factsheet"), None

    def when(p) -> str:
        return p.date.isoformat() if p.date else f"{p.year or 0}-12-31"

    latest = max(known, key=when)
    label = latest.date.isoformat() if latest.date else str(latest.year)
    return Value(latest.value.value, f"{latest.basis} ({label})", uncertain=latest.value.uncertain), latest.currency


def known_values(sheet: Factsheet) -> KnownValues:
    pm = sheet.price_management
    price, currency = _latest_price(sheet)

    def level(instrument, name: str) -> Value | None:
        if instrument is None or fact_value(instrument.exists) is not True:
            return None
        return _fact(instrument.value, f"{name} ({instrument.currency or 'currency unknown'}, {instrument.year or 'year unknown'})")

    penalty = None
    pen = sheet.compliance.penalty
    if pen is not None and fact_value(pen.make_good) is False and fact_value(pen.amount) is not None:
        penalty = _fact(pen.amount, f"penalty without make-good ({pen.currency or 'currency unknown'})")
    tiers = []
    if pm.cost_containment is not None and fact_value(pm.cost_containment.exists):
        for i, tier in enumerate(pm.cost_containment.tiers):
            tiers.append((_fact(tier.trigger_price, f"reserve tier {i + 1} trigger"), _fact(tier.volume_mt, f"reserve tier {i + 1} volume")))
    offsets = sheet.flexibility.offsets
    return KnownValues(
        id=sheet.id, name=sheet.display_name, cap=_latest_cap(sheet), price=price, currency=currency,
        floor=level(pm.floor, "floor"), ceiling=level(pm.ceiling, "ceiling"), penalty=penalty, tiers=tiers,
        offset_limit_pct=_fact(offsets.limit_pct, "offset limit") if offsets and offsets.limit_pct else None,
    )
