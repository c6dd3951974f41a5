"""Market rows: which group each system prices in, sums over groups, and volumes at a price.

Used by the vectorised search of kernel.py (many scenarios at once); compiled.py settles one
scenario's groups with the same rule in scalar loops.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .packed import Packed

Array = np.ndarray
SIDE_FIELDS = ("abatement", "emissions", "sold", "released", "offsets", "shortfall", "excess", "ceiling")
BLENDED = ("abatement", "emissions", "sold", "released", "offsets", "shortfall")


@dataclass
class Rows:
    labels: Array  # (R, n) group label of each system
    factors: Array  # (R, n) price factor relative to the group's price
    fixed: Array  # (R, n) fixed inflows (own tonnes) from links at a bound

    @cached_property
    def groups(self) -> int:
        """Number of group slots: labels run from 0 to groups - 1."""
        return int(self.labels.max()) + 1 if self.labels.size else 1

    @cached_property
    def all_in_one(self) -> bool:
        """Every system of every row in group 0."""
        return not self.labels.any()

    @cached_property
    def flat_labels(self) -> Array:
        """Index of each system's group in a flattened (R * G) array."""
        return np.arange(self.labels.shape[0])[:, None] * self.groups + self.labels

    @property
    def onehot(self) -> Array:
        return self.labels[:, :, None] == np.arange(self.groups)  # (R, n system, G group)


def group_total(rows: Rows, onehot: Array, values: Array) -> Array:
    """Sum of values over each group's members: (R, n, C) -> (R, G, C)."""
    if onehot.shape[2] == 1 and rows.all_in_one:  # one group per row: a plain sum
        return values.sum(axis=1, keepdims=True)
    return np.einsum("ric,rig->rgc", values, onehot)


def group_sum(rows: Rows, onehot: Array, values: Array) -> Array:
    """Sum of factor * value over each group's members: (R, n, C) -> (R, G, C)."""
    return group_total(rows, onehot, values * rows.factors[..., None])


def own_prices(rows: Rows, price: Array) -> Array:
    """Each system's own price (R, n) from its group's price (R, G)."""
    return rows.factors * price.reshape(-1)[rows.flat_labels]


def settle(pk: Packed, rows: Rows, onehot: Array, price: Array, left: dict[str, Array], right: dict[str, Array]) -> dict[str, Array]:
    """Volumes at the group clearing prices (R, G), given each system's volumes at its own price
    from the left and from the right (SIDE_FIELDS, each (R, n)).

    On a vertical stretch of the group's balance (a floor, a tier, a ceiling) the volumes are
    blended between the two sides so that the group clears; at a zero price the surplus is left
    unused, and at a ceiling the missing allowances are sold there (mirrors reference._volumes).
    """
    f = rows.factors
    weight = np.maximum(f * (right["excess"] + rows.fixed), 0.0)
    columns = np.stack([f * (left["excess"] + rows.fixed), f * (right["excess"] + rows.fixed), right["ceiling"], weight], axis=2)
    low, high, n_ceil, total_weight = np.moveaxis(group_total(rows, onehot, columns), 2, 0)
    at_zero, capped = price == 0.0, (n_ceil > 0) & (high < 0)
    blend = ~(at_zero | capped | (high <= low))
    theta = np.where(blend, np.minimum(np.maximum(-low / np.where(blend, high - low, 1.0), 0.0), 1.0), 1.0)
    per_group = np.stack([
        theta, np.where(capped, -high / np.maximum(n_ceil, 1), 0.0), np.where(at_zero & (high > 0), high, 0.0), total_weight,
    ], axis=2)
    theta, ceiling_sold, surplus, total_weight = np.moveaxis(per_group.reshape(-1, 4)[rows.flat_labels], 2, 0)
    out = {k: left[k] + theta * (right[k] - left[k]) for k in BLENDED}
    ceiling_sold = np.where(right["ceiling"], ceiling_sold / f, 0.0)
    unused = surplus * np.where(total_weight > 0, weight / np.where(total_weight > 0, total_weight, 1.0), 0.0) / f
    out["price"], out["ceiling_sold"], out["unused"] = own_prices(rows, price), ceiling_sold, unused
    out["net_imports"] = out["emissions"] - (
        pk.free + out["sold"] + out["released"] + out["offsets"] + out["shortfall"] + ceiling_sold - unused
    )
    return out
