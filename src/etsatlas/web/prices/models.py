"""Stored prices: each import, the observations it set, the revisions it made, the exchange rates.

Provenance: an observation points to the import that set its current value (file name and
sha256 live there) and keeps the line and column of that value in the file.
"""

from __future__ import annotations

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
    source_import = models.ForeignKey(PriceImport, on_delete=models.PROTECT, related_name="observations")
    line = models.PositiveIntegerField(help_text="Line of the value in the imported file (1-based).")
    column = models.PositiveIntegerField(help_text="Column of the value in the imported file (1-based).")
    source = models.CharField(max_length=200, help_text="Column group and header of the value in the file.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["system", "market", "series", "date"], name="prices_observation_key")]
        indexes = [models.Index(fields=["system", "date"])]

    def __str__(self) -> str:
        return f"{self.system} {self.market} {self.series} {self.date}: {self.value} {self.currency}"


class Revision(models.Model):
    """A value changed by a later import: the old value and where it came from."""

    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="revisions")
    price_import = models.ForeignKey(PriceImport, on_delete=models.PROTECT, related_name="revisions")
    previous_value = models.FloatField()
    previous_import = models.ForeignKey(PriceImport, on_delete=models.PROTECT, related_name="+")
    value = models.FloatField()

    class Meta:
        ordering = ["-id"]


class ExchangeRate(models.Model):
    """Value of one unit of `currency` in EUR and USD on a date, as given by an imported file."""

    currency = models.CharField(max_length=3)
    date = models.DateField()
    eur_rate = models.FloatField(null=True)
    usd_rate = models.FloatField(null=True)
    source_import = models.ForeignKey(PriceImport, on_delete=models.PROTECT, related_name="rates")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["currency", "date"], name="prices_rate_key")]
