"""Calibration: a MAC from one observed price, and scenario systems prefilled from plain values.

The market package never reads the knowledge base itself: callers (the web layer, a
notebook) pass `KnownValues` taken from a factsheet. Missing values stay missing (None) and
are reported as such; BAU emissions are never in a factsheet, so they come from an explicit,
visible assumption (`bau_margin_pct` above the cap) unless given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class CalibrationError(ValueError):
    pass


def linear_slope(price: float, bau: float, cap: float) -> float:
    """Slope of a linear MAC that clears at `price` when `cap` is binding: price = slope * (bau - cap)."""
    if price <= 0:
        raise CalibrationError(f"price must be positive to calibrate a MAC, got {price}")
    if bau <= cap:
        raise CalibrationError(f"BAU ({bau}) must exceed the cap ({cap}): otherwise any price clears the market")
    return price / (bau - cap)


def elastic_coefficient(price: float, bau: float, cap: float, elasticity: float) -> float:
    """Coefficient of a constant-elasticity MAC clearing at `price`: bau - cap = c * price ** elasticity."""
    linear_slope(price, bau, cap)  # same preconditions
    return (bau - cap) / price**elasticity


@dataclass(frozen=True)
class Value:
    """A prefilled value with where it came from; value None means unknown."""

    value: Any
    source: str
    uncertain: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"value": self.value, "source": self.source, "uncertain": self.uncertain, "missing": self.value is None}


@dataclass(frozen=True)
class KnownValues:
    """What a knowledge base says about one system, as plain values (None when unknown)."""

    id: str
    name: str
    cap: Value
    price: Value
    currency: str | None = None
    floor: Value | None = None
    ceiling: Value | None = None
    penalty: Value | None = None  # only when there is no make-good obligation
    tiers: list[tuple[Value, Value]] = field(default_factory=list)  # (trigger price, volume Mt)
    offset_limit_pct: Value | None = None


def prefill(known: KnownValues, *, bau: float | None = None, bau_margin_pct: float = 10.0) -> dict[str, Any]:
    """A scenario system (or None when the cap or price is unknown) and every value it came from."""
    fields: dict[str, Any] = {"cap": known.cap.as_dict(), "price": known.price.as_dict() | {"currency": known.currency}}
    for name in ("floor", "ceiling", "penalty", "offset_limit_pct"):
        item = getattr(known, name)
        fields[name] = item.as_dict() if item is not None else Value(None, "not in the factsheet").as_dict()
    fields["tiers"] = [{"trigger": t.as_dict(), "volume": v.as_dict()} for t, v in known.tiers]
    cap, price = known.cap.value, known.price.value
    if bau is not None:
        fields["bau"] = Value(bau, "given").as_dict()
    elif cap is not None:
        bau = cap * (1 + bau_margin_pct / 100)
        fields["bau"] = Value(bau, f"assumption: cap + {bau_margin_pct:g} %", uncertain=True).as_dict()
    else:
        fields["bau"] = Value(None, "needs the cap").as_dict()
    out: dict[str, Any] = {"id": known.id, "name": known.name, "fields": fields, "system": None, "problems": []}
    if cap is None:
        out["problems"].append("cap unknown: enter it to simulate this system")
    if price is None:
        out["problems"].append("no observed price: enter a MAC slope by hand")
    if cap is None or bau is None:
        return out
    system: dict[str, Any] = {"id": known.id, "name": known.name, "bau": round(bau, 6), "cap": cap}
    try:
        slope = linear_slope(price, bau, cap) if price is not None else None
    except CalibrationError as exc:
        out["problems"].append(str(exc))
        slope = None
    system["mac"] = {"type": "linear", "slope": slope}
    for name in ("floor", "ceiling", "penalty"):
        item = getattr(known, name)
        if item is not None and item.value is not None:
            system[name] = item.value
    if system.get("floor") is not None and system.get("ceiling") is not None and system["floor"] > system["ceiling"]:
        out["problems"].append("floor above ceiling in the source: ceiling left out")
        system.pop("ceiling")
    tiers = [{"trigger": t.value, "volume": v.value} for t, v in known.tiers if t.value is not None and v.value is not None]
    if tiers:
        system["ccr"] = tiers
    if known.offset_limit_pct is not None and known.offset_limit_pct.value is not None:
        fields["offset_limit_pct"]["note"] = "offset supply is not in the factsheet: add a price and quantity"
    out["system"] = system
    return out
