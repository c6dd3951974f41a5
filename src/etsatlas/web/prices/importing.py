"""Import service: a read price file into the database, atomically, idempotently, incrementally.

- atomic: the file is read and checked completely before anything is written, and the writes
  run in one transaction;
- idempotent: a file whose sha256 was already imported is not imported again, and a file whose
  values are all stored already adds nothing;
- incremental: new dates are added, changed values are updated and each change is kept as a
  Revision pointing to the import it came from. Values absent from a newer file are kept.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from django.db import transaction

from etsatlas.prices import PriceFile, read_price_bytes
from etsatlas.web.accounts.audit import record as audit

from .bulk import insert_frame, unique_keys_built_after
from .data import stored_rates
from .models import Observation, PriceImport, RateSeries, Revision

KEY = ["system", "market", "series", "date"]
BATCH = 2000


@dataclass
class ImportReport:
    file_name: str
    sha256: str
    layout: str
    observations: int
    added: int = 0
    revised: int = 0
    unchanged: int = 0
    rates_added: int = 0
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    dry_run: bool = False
    already_imported: bool = False
    import_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class _DryRun(Exception):
    """Raised inside the transaction to roll a dry run back."""


def import_bytes(data: bytes, file_name: str, *, dry_run: bool = False, skip_unknown: bool = False) -> ImportReport:
    """Read, check and store one file. Raises etsatlas.prices.PriceFileError (nothing stored) on bad input."""
    price_file = read_price_bytes(data, file_name, skip_unknown=skip_unknown, known_systems=_knowledge_base_ids())
    return store(price_file, dry_run=dry_run)


def store(price_file: PriceFile, *, dry_run: bool = False) -> ImportReport:
    report = ImportReport(
        file_name=price_file.file_name, sha256=price_file.sha256, layout=price_file.layout,
        observations=len(price_file.observations), counts=price_file.counts(),
        warnings=[p.as_dict() for p in price_file.warnings], dry_run=dry_run,
    )
    previous = PriceImport.objects.filter(sha256=price_file.sha256).order_by("id").first()
    if previous is not None:
        report.already_imported, report.import_id = True, previous.id
        report.unchanged = report.observations
        return report
    try:
        with transaction.atomic():
            _write(price_file, report)
            if dry_run:
                raise _DryRun
    except _DryRun:
        report.import_id = None
    return report


def _write(price_file: PriceFile, report: ImportReport) -> None:
    new = price_file.observations
    record = PriceImport.objects.create(
        file_name=price_file.file_name, sha256=price_file.sha256, layout=price_file.layout,
        encoding=price_file.encoding, counts=report.counts, warnings=report.warnings, columns=_column_labels(new),
    )
    merged = _with_stored(new, _stored_observations(sorted(new["system"].unique())))
    is_new = merged["id"].isna().to_numpy()
    old = merged["value_old"].to_numpy(dtype=float, na_value=np.nan)
    changed = ~is_new & ~np.isclose(merged["value"].to_numpy(dtype=float), old, rtol=1e-12, atol=0)
    _create(merged if is_new.all() else merged[is_new], record)
    _revise(merged[changed], record)
    report.added, report.revised = int(is_new.sum()), int(changed.sum())
    report.unchanged = len(merged) - report.added - report.revised
    report.rates_added = _add_rates(price_file.rates, record)
    record.added, record.revised, record.unchanged, record.rates_added = report.added, report.revised, report.unchanged, report.rates_added
    record.save(update_fields=["added", "revised", "unchanged", "rates_added"])
    report.import_id = record.id
    audit(None, "prices.import", "prices.PriceImport", record.id, file=record.file_name, sha256=record.sha256,
          added=record.added, revised=record.revised, unchanged=record.unchanged)


def _knowledge_base_ids() -> set[str] | None:
    """Ids a tidy CSV may use: the published systems, once the knowledge base is seeded."""
    from etsatlas.web.atlas.models import System

    ids = set(System.objects.values_list("id", flat=True))
    return ids or None


def _column_labels(observations: pd.DataFrame) -> dict[str, str]:
    """Column group and header of each column of the file (one label per column, kept on the import)."""
    columns, first = np.unique(observations["column"].to_numpy(), return_index=True)
    return dict(zip(map(str, columns.tolist()), observations["source"].to_numpy()[first].tolist()))


def _with_stored(new: pd.DataFrame, stored: pd.DataFrame | None) -> pd.DataFrame:
    """`new` with the id, value (value_old) and import of the stored observation of the same key, NaN where none."""
    if stored is None:
        return new.assign(id=np.nan, value_old=np.nan, import_id=np.nan)
    return new.merge(stored, on=KEY, how="left", suffixes=("", "_old"))


def _stored_observations(systems: list[str]) -> pd.DataFrame | None:
    """The stored observations of these systems (None when there are none: a first import)."""
    rows = list(Observation.objects.filter(system__in=systems).values_list("id", "system", "market", "series", "date", "value", "source_import_id"))
    if not rows:
        return None
    frame = pd.DataFrame(rows, columns=["id", *KEY, "value", "import_id"])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame.astype({"value": float, "id": "Int64", "import_id": "Int64"})


def _create(rows: pd.DataFrame, record: PriceImport) -> None:
    frame = pd.DataFrame({
        "system": rows["system"], "date": rows["date"], "market": rows["market"], "series": rows["series"],
        "value": rows["value"].astype(float), "currency": rows["currency"], "source_import_id": record.id,
        "line": rows["line"].astype(int), "column": rows["column"].astype(int),
    })
    with unique_keys_built_after(Observation, large=len(frame) > Observation.objects.count()):
        insert_frame(Observation, frame)


def _revise(rows: pd.DataFrame, record: PriceImport) -> None:
    if rows.empty:
        return
    revisions, updates = [], []
    for row in rows.itertuples(index=False):
        obs_id = int(row.id)
        revisions.append(Revision(
            observation_id=obs_id, price_import=record, previous_value=row.value_old,
            previous_import_id=int(row.import_id), value=row.value,
        ))
        updates.append(Observation(
            id=obs_id, value=row.value, currency=row.currency, source_import=record, line=int(row.line),
            column=int(row.column),
        ))
    Observation.objects.bulk_update(updates, ["value", "currency", "source_import", "line", "column"], batch_size=BATCH)
    Revision.objects.bulk_create(revisions, batch_size=BATCH)


def _add_rates(rates: pd.DataFrame, record: PriceImport) -> int:
    """Rates for currency-dates not stored yet (the first import of a date keeps it), one RateSeries per currency."""
    stored = stored_rates()[["currency", "date"]]
    if len(stored) and len(rates):
        merged = rates.merge(stored.assign(_stored=True), on=["currency", "date"], how="left")
        rates = rates[merged["_stored"].isna().to_numpy()]
    if rates.empty:
        return 0
    rates = rates.sort_values(["currency", "date"], kind="stable")
    currency, dates = rates["currency"].to_numpy(), rates["date"].to_numpy()
    eur, usd = rates["eur_rate"].to_numpy(dtype=float), rates["usd_rate"].to_numpy(dtype=float)
    codes, starts = np.unique(currency, return_index=True)
    ends = [*starts[1:].tolist(), len(rates)]
    RateSeries.objects.bulk_create([
        RateSeries.pack(code, record, dates[a:b], eur[a:b], usd[a:b]) for code, a, b in zip(codes.tolist(), starts.tolist(), ends)
    ])
    return len(rates)
