"""The four statuses of an assessed element, and how they combine.

Severity orders them for the overall summary: a barrier outweighs everything, then a needed
alignment, then missing data; "aligned" holds only when every element is known and aligned.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum


class Status(str, Enum):
    ALIGNED = "aligned"
    NEEDS_ALIGNMENT = "needs_alignment"
    BARRIER = "barrier"
    NOT_ENOUGH_DATA = "not_enough_data"

    @property
    def label(self) -> str:
        return LABELS[self]

    @property
    def severity(self) -> int:
        return SEVERITY[self]


LABELS = {
    Status.ALIGNED: "Aligned",
    Status.NEEDS_ALIGNMENT: "Needs alignment",
    Status.BARRIER: "Barrier",
    Status.NOT_ENOUGH_DATA: "Not enough data",
}
SEVERITY = {Status.ALIGNED: 0, Status.NOT_ENOUGH_DATA: 1, Status.NEEDS_ALIGNMENT: 2, Status.BARRIER: 3}


def worst(statuses: Iterable[Status]) -> Status:
    """The most severe status; `aligned` for an empty input.

    >>> worst([Status.ALIGNED, Status.NOT_ENOUGH_DATA, Status.NEEDS_ALIGNMENT]).value
    'needs_alignment'
    """
    return max(statuses, key=lambda s: s.severity, default=Status.ALIGNED)
