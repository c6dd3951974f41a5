"""Multi-period market with banking: the Hotelling price path, borrowing limits, the EU MSR.

All systems of a horizon scenario trade freely with each other (one price). While the bank
is positive the price rises at the discount rate: p_t = lambda * (1 + r) ** t. The bank
(allowances saved) must stay >= -borrowing, and >= 0 at the end. Where the constraint binds,
a new Hotelling segment starts with a lower discounted price. Vectorised over samples.
"""

from __future__ import annotations

from typing import Annotated, Any

import numpy as np
from pydantic import Field, model_validator

from . import msr as msr_rules
from .kernel import abatement, pack
from .scenario import Mac, Model, NonNeg, Scenario
from .scenario import System as SingleSystem

Array = np.ndarray
Series = NonNeg | list[NonNeg]


class HorizonSystem(Model):
    id: str = Field(min_length=1, max_length=40, description="System id.")
    bau: Series = Field(description="BAU emissions, Mt: one value or one per year.")
    bau_growth: float = Field(0.0, ge=-0.5, le=0.5, description="Yearly BAU growth when `bau` is one value.")
    cap: Series = Field(description="Allowance supply, Mt: one value or one per year.")
    cap_reduction: float = Field(0.0, ge=0, le=1, description="Yearly cut, as a share of the first year's cap.")
    mac: Mac = Field(description="Marginal abatement cost curve (the same every year).")


class MsrSettings(Model):
    rules: str = Field("2023", pattern="^(2015|2018|2023)$", description="MSR legal version.")
    holdings: NonNeg = Field(0.0, description="Allowances in the reserve at the start (millions).")


class Horizon(Model):
    """A multi-period scenario: yearly caps and BAU, banking, optional MSR."""

    name: str | None = Field(None, description="Scenario name.")
    start: int = Field(2026, ge=1990, le=2100, description="First calendar year.")
    years: Annotated[int, Field(ge=1, le=100)] = Field(description="Number of years.")
    discount_rate: float = Field(0.05, ge=0, le=0.5, description="Rate at which banked allowance prices rise.")
    bank: float = Field(0.0, description="Bank at the start, Mt (the TNAC when the MSR runs).")
    borrowing: NonNeg = Field(0.0, description="How far the bank may go below zero before the last year, Mt.")
    systems: list[HorizonSystem] = Field(min_length=1, max_length=20, description="Systems, linked as one market.")
    msr: MsrSettings | None = Field(None, description="Run the EU Market Stability Reserve on the simulated TNAC.")

    @model_validator(mode="after")
    def _lengths(self) -> Horizon:
        for i, s in enumerate(self.systems):
            for name in ("bau", "cap"):
                value = getattr(s, name)
                if isinstance(value, list) and len(value) != self.years:
                    raise ValueError(f"systems[{i}].{name}: {len(value)} values for {self.years} years")
        return self

    def series(self, name: str) -> Array:
        """(years, n) BAU or cap of every system."""
        t = np.arange(self.years)
        cols = []
        for s in self.systems:
            value = getattr(s, name)
            if isinstance(value, list):
                cols.append(np.array(value, float))
            elif name == "bau":
                cols.append(value * (1 + s.bau_growth) ** t)
            else:
                cols.append(np.maximum(value * (1 - s.cap_reduction * t), 0.0))
        return np.stack(cols, axis=1)


def _mac_pack(h: Horizon, bau: Array) -> Any:
    """Packed MACs normalised at each system's largest BAU over the horizon."""
    top = bau.max(axis=0)
    systems = [SingleSystem(id=s.id, bau=float(b), cap=0.0, mac=s.mac) for s, b in zip(h.systems, top)]
    return pack([Scenario(systems=systems)])


def hotelling(pk: Any, bau: Array, supply: Array, *, rate: float, bank0: Array, borrowing: float) -> dict[str, Array]:
    """Price path of S samples: bau, supply (S, T, n); pk holds S variants of the n MACs."""
    S, T, n = bau.shape
    growth = (1 + rate) ** np.arange(T)
    floor = np.full(T, -borrowing)
    floor[-1] = 0.0
    top = np.max(np.where(pk.elastic, (pk.bau / pk.coef) ** (1 / pk.eta), pk.m.max(axis=2)), axis=1)

    def emissions(prices: Array) -> Array:  # prices (S, T) -> (S, T, n)
        x = np.broadcast_to(prices[:, None, :], (S, n, T))
        return np.maximum(bau - np.minimum(abatement(pk, x).transpose(0, 2, 1), bau), 0.0)

    price, start, bank_in = np.zeros((S, T)), np.zeros(S, int), np.asarray(bank0, float).copy()
    t = np.arange(T)
    while np.any(start < T):
        live = start < T
        window = t[None, :] >= start[:, None]
        net = supply.sum(2)

        def slack(lam: Array) -> Array:
            e = emissions(lam[:, None] * growth[None, :]).sum(2)
            cum = bank_in[:, None] + np.cumsum(np.where(window, net - e, 0.0), axis=1)
            return np.where(window, cum - floor, np.inf)

        lo, hi = np.zeros(S), top.copy()
        free = np.min(slack(lo), axis=1) >= 0
        for _ in range(64):
            mid = 0.5 * (lo + hi)
            ok = np.min(slack(mid), axis=1) >= 0
            hi, lo = np.where(ok, mid, hi), np.where(ok, lo, mid)
        lam = np.where(free, 0.0, hi)
        s_lam = slack(lam)
        scale = 1e-9 * np.maximum(1.0, np.abs(net).max(axis=1))
        tight = window & (s_lam <= scale[:, None])
        # The segment ends where the bank constraint binds last; with a zero price it runs to the end.
        end = np.where(free | ~tight.any(axis=1), T - 1, T - 1 - np.argmax(tight[:, ::-1], axis=1))
        seg = window & (t[None, :] <= end[:, None]) & live[:, None]
        price = np.where(seg, lam[:, None] * growth[None, :], price)
        bank_in = np.where(live, floor[np.minimum(end, T - 1)], bank_in)
        start = np.where(live, end + 1, start)
    e = emissions(price)
    bank = np.asarray(bank0, float)[:, None] + np.cumsum(supply.sum(2) - e.sum(2), axis=1)
    return {"price": price, "emissions": e, "bank": bank, "discounted": price / growth}


def _msr_adjustment(h: Horizon, bank: Array) -> Array:
    """Net allowances taken by the reserve in each calendar year of the horizon (Mt)."""
    assert h.msr is not None
    tnac = {h.start - 1: h.bank * 1e6} | {h.start + i: float(b) * 1e6 for i, b in enumerate(bank)}
    adj = np.zeros(h.years)
    for p in msr_rules.schedule(tnac, h.msr.rules, holdings=h.msr.holdings * 1e6):
        months = p.as_dict()["months"]
        per_month = (p.intake - p.release) / months / 1e6
        for k in range(months):
            year = p.start.year + (p.start.month - 1 + k) // 12
            if h.start <= year < h.start + h.years:
                adj[year - h.start] += per_month
    return adj


def run(h: Horizon, *, max_iter: int = 200) -> dict[str, Any]:
    """Solve one horizon scenario (with the MSR as a fixed point on the TNAC when configured)."""
    bau, cap = h.series("bau")[None], h.series("cap")[None]
    pk = _mac_pack(h, bau[0])
    supply, iterations, converged = cap.copy(), 0, True
    adj = np.zeros(h.years)
    for iterations in range(1, max_iter + 1):
        out = hotelling(pk, bau, supply, rate=h.discount_rate, bank0=np.array([h.bank]), borrowing=h.borrowing)
        if h.msr is None:
            break
        new_adj = _msr_adjustment(h, out["bank"][0])
        change = float(np.max(np.abs(new_adj - adj)))
        adj = 0.5 * adj + 0.5 * new_adj if iterations > 1 else new_adj
        share = cap[0] / np.maximum(cap[0].sum(1, keepdims=True), 1e-12)
        supply = np.maximum(cap - adj[None, :, None] * share[None], 0.0)
        converged = change < 1e-6
        if converged:
            break
    years = []
    for t in range(h.years):
        years.append({
            "year": h.start + t, "price": float(out["price"][0, t]), "discounted_price": float(out["discounted"][0, t]),
            "emissions": float(out["emissions"][0, t].sum()), "supply": float(supply[0, t].sum()),
            "bank": float(out["bank"][0, t]), "msr_intake": float(adj[t]),
            "systems": {s.id: {"emissions": float(out["emissions"][0, t, i])} for i, s in enumerate(h.systems)},
        })
    result: dict[str, Any] = {"years": years}
    if h.msr is not None:
        result["msr"] = {"rules": h.msr.rules, "iterations": iterations, "converged": converged}
    return result


def sample_paths(h: Horizon, samples: int, *, seed: int = 0, bau_cv: float = 0.05, mac_cv: float = 0.2) -> dict[str, Array]:
    """Monte Carlo price paths (samples, years) over BAU and MAC factors, one draw per sample and system."""
    from .montecarlo import lognormal_factors, perturb

    rng = np.random.default_rng(np.random.SeedSequence(seed))
    n = len(h.systems)
    fb, fm = lognormal_factors(rng, bau_cv, (samples, n)), lognormal_factors(rng, mac_cv, (samples, n))
    bau = h.series("bau")[None] * fb[:, None, :]
    supply = np.broadcast_to(h.series("cap")[None], bau.shape)
    pk = perturb(_mac_pack(h, h.series("bau")), fb, fm)
    return hotelling(pk, bau, supply, rate=h.discount_rate, bank0=np.full(samples, h.bank), borrowing=h.borrowing)
