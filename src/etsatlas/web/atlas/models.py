"""The published factsheet of each system.

The validated factsheet document is stored whole (`data`); the columns beside it are
derived from it on save, for ordering, the admin and quick lookups. Drafts, history and
review live in the accounts app; this table holds what readers see.
"""

from __future__ import annotations

import hashlib
import json

from django.db import models

from etsatlas.schema import Factsheet
from etsatlas.schema.loading import factsheet_to_data


def content_hash(data: dict) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


class System(models.Model):
    id = models.CharField(primary_key=True, max_length=40)
    name = models.CharField(max_length=300)
    short_name = models.CharField(max_length=120, blank=True)
    status = models.CharField(max_length=32, db_index=True)
    level = models.CharField(max_length=32)
    region = models.CharField(max_length=32)
    data = models.JSONField(help_text="The validated factsheet document (see /api/v1/schema/factsheet.json).")
    content_hash = models.CharField(max_length=64)
    version = models.PositiveIntegerField(default=1, help_text="Incremented on every published change.")
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.short_name or self.name

    def factsheet(self) -> Factsheet:
        return Factsheet.model_validate(self.data)

    def apply(self, sheet: Factsheet) -> bool:
        """Copy a factsheet into this row; True when anything changed (the caller saves)."""
        data = factsheet_to_data(sheet)
        digest = content_hash(data)
        if digest == self.content_hash:
            return False
        if self.content_hash:
            self.version += 1
        self.data, self.content_hash = data, digest
        self.name, self.short_name = sheet.name, sheet.short_name or ""
        self.status, self.level, self.region = sheet.status.current.value, sheet.level.value, sheet.region.value
        return True
