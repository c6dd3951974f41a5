"""Stored prices: each import, the observations it set, the revisions it made, the exchange rates.

Provenance: an observation points to the import that set its current value (file name, sha256
and the labels of the file's columns live there) and keeps the line and column of that value
in the file.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from django.db import models


class PriceImport(models.Model):
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    layout = models.CharField(max_length=40, help_text="The export vintage detected, or 'tidy'.")
    encoding = models.CharField(max_length=16)
    imported_at = models.DateTimeField(auto_now_add=True, db_index=True)
    added = models.PositiveIntegerField(default=0)
    revised = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rates_added = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, help_text="Observations in the file per system and market.")
    warnings = models.JSONField(default=list)
    columns = models.JSONField(default=dict, help_text="Column group and header of each column of the file, by column number.")

    class Meta:
        ordering = ["-imported_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.imported_at:%Y-%m-%d %H:%M})"


class Observation(models.Model):
    system = models.CharField(max_length=40)
    date = models.DateField()
    market = models.CharField(max_length=16)
    series = models.CharField(max_length=40, help_text="'price' or a named price-management level.")
    value = models.FloatField()
    currency = models.CharField(max_length=3)
    # No index and no database constraint: lookups go by the unique key, and on PostgreSQL the
    # constraint's per-row check of the one import a load writes cost more than the load itself.
    # PROTECT still stops the ORM from deleting an import that observations point to; imports
    # are written only by etsatlas.web.prices.importing, which creates the import in the same
    # transaction, and never deleted by the application (the admin is read-only).
    source_import = models.ForeignKey(
        PriceImport, on_delete=models.PROTECT, related_name="observations", db_index=False, db_constraint=False,
    )
    line = models.PositiveIntegerField(help_text="Line of the value in the imported file (1-based).")
    column = models.PositiveIntegerField(help_text="Column of the value in the imported file (1-based).")

    class Meta:
        # The unique key also serves queries by system (its first column).
        constraints = [models.UniqueConstraint(fields=["system", "market", "series", "date"], name="prices_observation_key")]

    def __str__(self) -> str:
        return f"{self.system} {self.market} {self.series} {self.date}: {self.value} {self.currency}"

    @property
    def source(self) -> str:
        """Column group and header of the value in the file (kept once per column, on the import)."""
        return self.source_import.columns.get(str(self.column), "")


class Revision(models.Model):
    """A value changed by a later import: the old value and where it came from."""

    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="revisions")
    price_import = models.ForeignKey(PriceImport, on_delete=models.PROTECT, related_name="revisions")
    previous_value = models.FloatField()
    previous_import = models.ForeignKey(PriceImport, on_delete=models.PROTECT, related_name="+")
    value = models.FloatField()

    class Meta:
        ordering = ["-id"]


class RateSeries(models.Model):
    """The exchange rates one import added for one currency, as packed arrays in one row.

    Values of one unit of `currency` in EUR and USD on each date, as given by the file. An export
    carries ~17,000 currency-dates: one row per currency and import instead of one per date keeps
    the import and the reading of all rates to a few rows, and still says which import gave
    each rate. A currency-date is stored once: the first import that gives it keeps it.

    The arrays are packed little-endian (`RateSeries.pack`, `.frame()` read them): JSON arrays
    cost PostgreSQL ~50 ms per import to parse into jsonb numerics, packed bytes nothing.
    """

    currency = models.CharField(max_length=3)
    source_import = models.ForeignKey(PriceImport, on_delete=models.PROTECT, related_name="rate_series")
    days = models.BinaryField(help_text="Dates, ascending: int32 day numbers since 1970-01-01.")
    eur_rates = models.BinaryField(help_text="Value of one unit in EUR on each date: float64, NaN when not given.")
    usd_rates = models.BinaryField(help_text="Value of one unit in USD on each date: float64, NaN when not given.")

    class Meta:
        verbose_name_plural = "rate series"
        constraints = [models.UniqueConstraint(fields=["currency", "source_import"], name="prices_rate_series_key")]

    def __str__(self) -> str:
        return f"{self.currency}: {len(self.dates)} dates from import {self.source_import_id}"

    @classmethod
    def pack(cls, currency: str, source_import: PriceImport, dates: np.ndarray, eur: np.ndarray, usd: np.ndarray) -> RateSeries:
        """A series from aligned arrays: dates (datetime64), EUR and USD rates (float, NaN when not given)."""
        return cls(
            currency=currency, source_import=source_import,
            days=np.asarray(dates, dtype="datetime64[D]").astype("<i4").tobytes(),
            eur_rates=np.asarray(eur, dtype="<f8").tobytes(), usd_rates=np.asarray(usd, dtype="<f8").tobytes(),
        )

    @property
    def dates(self) -> np.ndarray:
        return np.frombuffer(self.days, dtype="<i4").astype("datetime64[D]")

    def frame(self) -> pd.DataFrame:
        """currency, date, eur_rate, usd_rate."""
        return pd.DataFrame({
            "currency": self.currency, "date": np.frombuffer(self.days, dtype="<i4").astype("datetime64[D]"),
            "eur_rate": np.frombuffer(self.eur_rates, dtype="<f8"), "usd_rate": np.frombuffer(self.usd_rates, dtype="<f8"),
        })
