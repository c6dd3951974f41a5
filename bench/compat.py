"""Benchmark: assess every pair of in-force systems (and 6-system groups) from the curated data.

Run by hand: `.venv/bin/python bench/compat.py`. The reference in the same run is validating
the same factsheets with pydantic (what every page load of a factsheet costs), so the ratio
says how an assessment compares with reading its inputs.
"""

from __future__ import annotations

import itertools
import platform
import time

from etsatlas.compat import assess
from etsatlas.schema import Factsheet
from etsatlas.schema.loading import factsheet_to_data, load_factsheets


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    sheets = [s for s in load_factsheets() if s.status.current.value == "in_force"]
    pairs = list(itertools.combinations(sheets, 2))
    groups = [sheets[i : i + 6] for i in range(0, len(sheets) - 5, 3)]
    data = [factsheet_to_data(s) for s in sheets]

    pair_time = timed(lambda: [assess(list(p)) for p in pairs])
    group_time = timed(lambda: [assess(g) for g in groups])
    reference = timed(lambda: [[Factsheet.model_validate(d) for d in data] for _ in range(10)])
    per_pair = pair_time / len(pairs) * 1e3
    per_validation = reference / (10 * len(data)) * 1e3
    print(f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}")
    print(f"{len(pairs)} pairs: {pair_time:.2f} s ({per_pair:.2f} ms per pair)")
    print(f"{len(groups)} six-system groups: {group_time:.2f} s ({group_time / len(groups) * 1e3:.2f} ms per group)")
    print(f"reference: validating one factsheet {per_validation:.3f} ms; one pair assessment = {per_pair / per_validation:.1f} validations")


if __name__ == "__main__":
    main()
