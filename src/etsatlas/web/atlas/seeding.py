"""Loading the curated factsheets into the database: validated first, then written atomically."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction

from etsatlas.schema import Factsheet
from etsatlas.schema.loading import load_factsheets

from .models import System


@dataclass
class SeedReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "systems": {"created": self.created, "updated": self.updated},
        }


def seed_systems(sheets: Sequence[Factsheet] | None = None, progress=None) -> SeedReport:
    """Insert or update every factsheet; running it twice changes nothing.

    Validation happens before the transaction (load_factsheets raises FactsheetError listing
    every problem), so a bad record aborts the seed with nothing written.
    """
    sheets = list(sheets) if sheets is not None else load_factsheets()
    report = SeedReport()
    existing = {s.id: s for s in System.objects.all()}
    with transaction.atomic():
        for sheet in sheets:
            row = existing.get(sheet.id)
            if row is None:
                row = System(id=sheet.id)
                row.apply(sheet)
                row.save()
                report.created.append(sheet.id)
            elif row.apply(sheet):
                row.save()
                report.updated.append(sheet.id)
            else:
                report.unchanged.append(sheet.id)
            if progress:
                progress(sheet.id)
    return report
