"""Benchmark of the market simulator (run by hand: `.venv/bin/python bench/market.py`).

1. 100,000 single-period linked scenarios of 2 to 10 systems with 20-segment piecewise-linear
   MACs, floors, two reserve tiers, ceilings and offset limits: the compiled solver (one call
   per batch of equal size, a scenario per row) against the plain reference solver on a subset,
   in the same run, with the largest difference.
2. One 10-system scenario: the kernel alone and the whole `simulate()` (autarky, linked, report).
3. A 30-year banking horizon x 10,000 Monte Carlo samples.
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np

from etsatlas.market import (
    compiled,  # noqa: F401  loads the compiled solver before any timing
    simulate,
)
from etsatlas.market.banking import Horizon, sample_paths
from etsatlas.market.kernel import Packed, Rows, solve_packed
from etsatlas.market.reference import Row, solve_rows
from etsatlas.market.scenario import Scenario

K = 21  # 20 segments


def generate(S: int, seed: int) -> tuple[Packed, np.ndarray]:
    """S random scenarios as arrays (n = 10 slots; scenario s uses its first sizes[s] systems)."""
    rng = np.random.default_rng(seed)
    n = 10
    sizes = rng.integers(2, 11, S)
    present = np.arange(n)[None, :] < sizes[:, None]
    bau = rng.uniform(20, 400, (S, n)) * present
    cap = bau * rng.uniform(0.6, 1.0, (S, n))
    w = rng.uniform(0.2, 1.0, (S, n, K - 1))
    q = np.concatenate([np.zeros((S, n, 1)), np.cumsum(w, 2) / w.sum(2, keepdims=True) * bau[..., None]], axis=2)
    q[..., -1] = bau
    m = np.concatenate([np.zeros((S, n, 1)), np.cumsum(rng.uniform(0.5, 15, (S, n, K - 1)), 2)], axis=2)
    has = lambda p: (rng.uniform(size=(S, n)) < p) & present
    floor = np.where(has(0.5), rng.uniform(5, 30, (S, n)), -np.inf)
    ceiling = np.where(has(0.3), rng.uniform(80, 200, (S, n)), np.inf)
    tiers = np.sort(rng.uniform(30, 90, (S, n, 2)), axis=2)
    tier_on = has(0.5)[..., None]
    offer_on = has(0.5)
    pk = Packed(
        bau=bau, free=cap * 0.3, auction=cap * 0.7, elastic=np.zeros((S, n), bool), q=q, m=m,
        npts=np.where(present, K, 1), coef=np.ones((S, n)), eta=np.ones((S, n)), floor=floor,
        ecr_trigger=np.full((S, n), -np.inf), ecr_volume=np.zeros((S, n)),
        tier_trigger=np.where(tier_on, tiers, np.inf), tier_volume=np.where(tier_on, np.repeat(cap[..., None] * 0.03, 2, axis=2), 0.0),
        ceiling=ceiling, penalty=np.full((S, n), np.inf),
        offer_price=np.where(offer_on, rng.uniform(3, 20, (S, n)), np.inf)[..., None],
        offer_qty=np.where(offer_on, bau * 0.05, 0.0)[..., None],
        limit=np.where(offer_on, rng.uniform(0.02, 0.1, (S, n)), 1.0),
    )
    return pk, sizes


def linked_rows(sizes: np.ndarray) -> Rows:
    S, n = sizes.size, 10
    present = np.arange(n)[None, :] < sizes[:, None]
    labels = np.where(present, 0, np.arange(n)[None, :])  # all present systems in one group; padding alone
    return Rows(labels, np.ones((S, n)), np.zeros((S, n)))


def to_scenario(pk: Packed, s: int, size: int) -> Scenario:
    systems = []
    for i in range(size):
        x = {"id": f"S{i}", "bau": pk.bau[s, i], "cap": pk.free[s, i] + pk.auction[s, i], "auctioned": pk.auction[s, i],
             "mac": {"type": "piecewise", "points": [[pk.q[s, i, k], pk.m[s, i, k]] for k in range(1, K)]}}
        if np.isfinite(pk.floor[s, i]):
            x["floor"] = pk.floor[s, i]
        if np.isfinite(pk.ceiling[s, i]):
            x["ceiling"] = pk.ceiling[s, i]
        if np.isfinite(pk.tier_trigger[s, i, 0]):
            x["ccr"] = [{"trigger": pk.tier_trigger[s, i, t], "volume": pk.tier_volume[s, i, t]} for t in range(2)]
        if np.isfinite(pk.offer_price[s, i, 0]):
            x["offsets"] = {"price": pk.offer_price[s, i, 0], "quantity": pk.offer_qty[s, i, 0], "limit_pct": pk.limit[s, i] * 100}
        systems.append(x)
    links = [{"between": [f"S{i}", f"S{i + 1}"]} for i in range(size - 1)]
    return Scenario.model_validate({"systems": systems, "links": links})


def solve_by_size(pk: Packed, sizes: np.ndarray) -> tuple[dict, dict]:
    """Autarky and linked results of every scenario, solved in batches of equal size (no padding work)."""
    S = sizes.size
    solo = {k: np.zeros((S, 10)) for k in ("price", "net_imports", "emissions", "cost")}
    linked = {k: np.zeros((S, 10)) for k in ("price", "net_imports", "emissions")}
    for size in np.unique(sizes):
        idx = np.flatnonzero(sizes == size)
        table = pk.take(idx).first_systems(int(size)).as_rows()
        ones, zeros = np.ones((idx.size, size)), np.zeros((idx.size, size))
        # Autarky: each system its own group; linked: all in group 0.
        a, solo_valid = solve_packed(table, Rows(np.tile(np.arange(size), (idx.size, 1)), ones, zeros))
        b, valid = solve_packed(table, Rows(np.zeros((idx.size, size), int), ones, zeros))
        assert valid.all() and solo_valid.all()
        for k, table in solo.items():
            table[idx, :size] = a[k]
        for k, table in linked.items():
            table[idx, :size] = b[k]
    return solo, linked


def bench_throughput(S: int, n_ref: int, repeat: int = 1) -> None:
    """The solver and the reference timed in turn `repeat` times; the best time of each counts."""
    pk, sizes = generate(S, seed=1)
    scenarios = [to_scenario(pk, s, int(sizes[s])) for s in range(n_ref)]
    fast = slow = np.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        solo, linked = solve_by_size(pk, sizes)
        fast = min(fast, time.perf_counter() - t0)
        t0 = time.perf_counter()
        refs = []
        for sc in scenarios:
            n = len(sc.systems)
            rows = [Row(tuple(range(n)), (1.0,) * n, (0.0,) * n), Row((0,) * n, (1.0,) * n, (0.0,) * n)]
            refs.append(solve_rows(sc, rows))
        slow = min(slow, time.perf_counter() - t0)
    worst = 0.0
    for s, (ref_solo, ref_linked) in enumerate(refs):
        size = int(sizes[s])
        for key in ("price", "net_imports", "emissions"):
            for mine, ref in ((solo[key][s, :size], ref_solo[key]), (linked[key][s, :size], ref_linked[key])):
                scale = max(1.0, float(pk.bau[s].max()))
                worst = max(worst, float(np.max(np.abs(mine - ref) / np.maximum(np.abs(ref), scale * 1e-3))))
    fast_rate, slow_rate = S / fast, n_ref / slow
    print(f"[throughput] {S:,} scenarios (2-10 systems, 20-segment MACs, floors, tiers, ceilings, offset limits)")
    print(f"  solver (autarky + linked): {fast:.2f} s = {fast_rate:,.0f} scenarios/s")
    print(f"  reference on {n_ref:,} of them: {slow:.2f} s = {slow_rate:,.0f} scenarios/s")
    print(f"  ratio: {fast_rate / slow_rate:,.0f}x; largest relative difference (price, net imports, emissions): {worst:.1e}")


def _best(work, batches: int = 30, inner: int = 10) -> float:
    """Fastest mean time of `inner` runs over several batches (robust on a shared machine), seconds."""
    times = []
    for _ in range(batches):
        t0 = time.perf_counter()
        for _ in range(inner):
            work()
        times.append((time.perf_counter() - t0) / inner)
    return min(times)


def bench_single() -> None:
    from etsatlas.market.equilibrium import autarky_row, states
    from etsatlas.market.kernel import solve_rows as kernel_rows

    pk, sizes = generate(50, seed=2)
    scenario = to_scenario(pk, int(np.argmax(sizes == 10)), 10)
    rows = [autarky_row(scenario)] + [s.row for s in states(scenario)]
    kernel = _best(lambda: kernel_rows(scenario, rows))
    whole = _best(lambda: simulate(scenario))
    ref = _best(lambda: simulate(scenario, engine="reference"), batches=5, inner=3)
    print("[single] one 10-system scenario (20-segment MACs), best of 30 batches")
    print(f"  kernel (pack + autarky + linked in one call): {kernel * 1e3:.2f} ms; "
          f"simulate() with report: {whole * 1e3:.2f} ms; reference simulate(): {ref * 1e3:.1f} ms")


def bench_banking(samples: int) -> None:
    points = [[10 * k, 3.0 * k + 0.05 * k * k] for k in range(1, 21)]
    h = Horizon.model_validate({
        "years": 30, "discount_rate": 0.04, "bank": 50, "borrowing": 0,
        "systems": [
            {"id": "A", "bau": 300, "bau_growth": 0.005, "cap": 290, "cap_reduction": 0.022, "mac": {"type": "piecewise", "points": points}},
            {"id": "B", "bau": 150, "cap": 140, "cap_reduction": 0.02, "mac": {"type": "linear", "slope": 0.8}},
        ],
    })
    sample_paths(h, 100, seed=1)
    t0 = time.perf_counter()
    out = sample_paths(h, samples, seed=1)
    took = time.perf_counter() - t0
    print(f"[banking] 30 years x {samples:,} samples, 2 systems (20-segment and linear MACs): {took:.2f} s; "
          f"mean first-year price {out['price'][:, 0].mean():.2f}, min bank {out['bank'].min():.2e}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", type=int, default=100_000)
    parser.add_argument("--reference", type=int, default=1_000, help="scenarios solved by the reference solver")
    parser.add_argument("--samples", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=1, help="throughput runs (kernel and reference alternately); best of each")
    args = parser.parse_args()
    print(f"machine: {platform.processor() or platform.machine()}, {platform.python_implementation()} {platform.python_version()}, numpy {np.__version__}")
    print("load average before the run: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    bench_throughput(args.scenarios, args.reference, args.repeat)
    bench_single()
    bench_banking(args.samples)


if __name__ == "__main__":
    main()
