"""Monte Carlo over BAU emissions and MAC parameters: all samples in one solver call per link state.

Samples are drawn in fixed chunks, each from its own child of `numpy.random.SeedSequence(seed)`,
so a run gives the same numbers in one process or spread over a Dask cluster. A BAU factor
scales the system's emissions and its abatement potential together; a MAC factor scales
its abatement prices.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import batch
from .packed import Packed, pack
from .scenario import Scenario

CHUNK = 10_000
QUANTITIES = ("price", "abatement", "emissions", "net_imports", "cost")


def lognormal_factors(rng: np.random.Generator, cv: float, shape: tuple[int, ...]) -> np.ndarray:
    """Mean-one lognormal factors with coefficient of variation `cv`."""
    sigma = np.sqrt(np.log1p(cv**2))
    return np.exp(sigma * rng.standard_normal(shape) - sigma**2 / 2)


def perturb(pk: Packed, bau_factor: np.ndarray, mac_factor: np.ndarray) -> Packed:
    """Variants (S, n) of a one-scenario pack: BAU and abatement potential x bau_factor, MAC prices x mac_factor."""
    S = bau_factor.shape[0]
    out = pk.take(np.zeros(S, int))
    out.__dict__.pop("slopes", None)  # the MAC points change below
    out.bau = out.bau * bau_factor
    out.q = out.q * bau_factor[..., None]
    out.m = out.m * mac_factor[..., None]
    out.coef = out.coef * bau_factor / mac_factor**out.eta
    return out


def run_chunk(scenario_data: dict[str, Any], size: int, seed_seq: np.random.SeedSequence) -> dict[str, np.ndarray]:
    """Solve `size` samples; returns arrays (size, n) per regime and quantity."""
    scenario = Scenario.model_validate(scenario_data)
    rng = np.random.default_rng(seed_seq)
    n = len(scenario.systems)
    u = scenario.uncertainty
    variants = perturb(pack([scenario]), lognormal_factors(rng, u.bau_cv, (size, n)), lognormal_factors(rng, u.mac_cv, (size, n)))
    solo, linked = batch.autarky(variants), batch.linked(scenario, variants)
    out = {f"autarky.{k}": solo[k] for k in QUANTITIES}
    out |= {f"linked.{k}": linked[k] for k in QUANTITIES}
    out["linked.gain"] = solo["cost"] - linked["cost"]
    return out


def _chunks(samples: int, seed: int) -> list[tuple[int, np.random.SeedSequence]]:
    count = -(-samples // CHUNK)
    children = np.random.SeedSequence(seed).spawn(count)
    return [(min(CHUNK, samples - i * CHUNK), child) for i, child in enumerate(children)]


def sample_arrays(scenario: Scenario, samples: int, *, seed: int = 0, client: Any = None) -> dict[str, np.ndarray]:
    """Raw sample arrays (samples, n); with a Dask `client`, chunks run on its workers."""
    data = scenario.model_dump(mode="json")
    chunks = _chunks(samples, seed)
    if client is None:
        parts = [run_chunk(data, size, child) for size, child in chunks]
    else:
        futures = client.map(run_chunk, [data] * len(chunks), [c[0] for c in chunks], [c[1] for c in chunks], pure=False)
        parts = client.gather(futures)
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def summarize(values: np.ndarray) -> dict[str, float]:
    p5, p50, p95 = np.percentile(values, [5, 50, 95])
    return {"mean": float(values.mean()), "sd": float(values.std()), "p5": float(p5), "p50": float(p50), "p95": float(p95)}


def monte_carlo(scenario: Scenario, samples: int, *, seed: int = 0, client: Any = None) -> dict[str, Any]:
    """Distributions of prices, volumes, costs and gains per system: mean, sd, 5/50/95th percentiles."""
    arrays = sample_arrays(scenario, samples, seed=seed, client=client)
    out: dict[str, Any] = {"n": samples, "seed": seed, "autarky": {}, "linked": {}}
    for i, system in enumerate(scenario.systems):
        for regime in ("autarky", "linked"):
            keys = QUANTITIES + (("gain",) if regime == "linked" else ())
            out[regime][system.id] = {k: summarize(arrays[f"{regime}.{k}"][:, i]) for k in keys}
    return out
