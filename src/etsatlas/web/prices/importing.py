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

from .models import ExchangeRate, Observation, PriceImport, Revision

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
    price_file = read_price_bytes(data, file_name, skip_unknown=skip_unknown)
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
    record = PriceImport.objects.create(
        file_name=price_file.file_name, sha256=price_file.sha256, layout=price_file.layout,
        encoding=price_file.encoding, counts=report.counts, warnings=report.warnings,
    )
    new = price_file.observations
    stored = _stored_observations(sorted(new["system"].unique()))
    merged = new.merge(stored, on=KEY, how="left", suffixes=("", "_old"))
    is_new = merged["id"].isna().to_numpy()
    old = merged["value_old"].to_numpy(dtype=float, na_value=np.nan)
    changed = ~is_new & ~np.isclose(merged["value"].to_numpy(dtype=float), old, rtol=1e-12, atol=0)
    _create(merged[is_new], record)
    _revise(merged[changed], record)
    report.added, report.revised = int(is_new.sum()), int(changed.sum())
    report.unchanged = len(merged) - report.added - report.revised
    report.rates_added = _add_rates(price_file.rates, record)
    record.added, record.revised, record.unchanged, record.rates_added = report.added, report.revised, report.unchanged, report.rates_added
    record.save(update_fields=["added", "revised", "unchanged", "rates_added"])
    report.import_id = record.id


def _stored_observations(systems: list[str]) -> pd.DataFrame:
    rows = Observation.objects.filter(system__in=systems).values_list("id", "system", "market", "series", "date", "value", "source_import_id")
    frame = pd.DataFrame(list(rows), columns=["id", *KEY, "value", "import_id"])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame.astype({"value": float, "id": "Int64", "import_id": "Int64"})


def _create(rows: pd.DataFrame, record: PriceImport) -> None:
    objects = [
        Observation(
            system=system, date=date, market=market, series=series, value=value, currency=currency,
            source_import=record, line=line, column=column, source=source[:200],
        )
        for system, date, market, series, value, currency, line, column, source in zip(
            rows["system"], rows["date"].dt.date, rows["market"], rows["series"], rows["value"].astype(float),
            rows["currency"], rows["line"].astype(int), rows["column"].astype(int), rows["source"],
        )
    ]
    Observation.objects.bulk_create(objects, batch_size=BATCH)


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
            column=int(row.column), source=row.source[:200],
        ))
    Observation.objects.bulk_update(updates, ["value", "currency", "source_import", "line", "column", "source"], batch_size=BATCH)
    Revision.objects.bulk_create(revisions, batch_size=BATCH)


def _add_rates(rates: pd.DataFrame, record: PriceImport) -> int:
    """Rates for currency-dates not stored yet (the first import of a date keeps it)."""
    if rates.empty:
        return 0
    stored = pd.DataFrame(list(ExchangeRate.objects.values_list("currency", "date")), columns=["currency", "date"])
    stored["date"] = pd.to_datetime(stored["date"])
    stored["currency"] = stored["currency"].astype(object)
    merged = rates.merge(stored.assign(_stored=True), on=["currency", "date"], how="left")
    fresh = merged[merged["_stored"].isna()]
    ExchangeRate.objects.bulk_create([
        ExchangeRate(currency=c, date=d, eur_rate=_float(e), usd_rate=_float(u), source_import=record)
        for c, d, e, u in zip(fresh["currency"], fresh["date"].dt.date, fresh["eur_rate"], fresh["usd_rate"])
    ], batch_size=BATCH)
    return len(fresh)


def _float(value: float) -> float | None:
    return None if pd.isna(value) else float(value)
