"""Members and observers of the partnership, with the history of their status.

A status change is a new row, never an edit of an old one: the directory shows the latest
status, and the history shows how it came about. Links to systems are plain factsheet ids.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

LEVELS = {"supranational": "Supranational", "national": "National", "subnational": "Subnational", "municipal": "Municipal"}
STATUSES = {"member": "Member", "observer": "Observer", "former": "Former member"}
PRECISIONS = {"day": "Day", "month": "Month", "year": "Year"}


def _display(date: dt.date | None, precision: str) -> str:
    if date is None:
        return ""
    return date.strftime({"year": "%Y", "month": "%B %Y"}.get(precision, "%-d %B %Y"))


class Member(models.Model):
    id = models.SlugField(primary_key=True, max_length=80, help_text="Stable id used in URLs and the API.")
    name = models.CharField(max_length=200)
    level = models.CharField(max_length=16, choices=list(LEVELS.items()))
    country = models.CharField(max_length=100, blank=True)
    system_ids = models.JSONField(default=list, blank=True, help_text="Factsheet ids of the systems it runs, e.g. [\"ca-cat\"].")
    longitude = models.FloatField(null=True, blank=True, help_text="Approximate map position.")
    latitude = models.FloatField(null=True, blank=True)
    # Derived from the history (see refresh_status); never edited by hand.
    status = models.CharField(max_length=10, choices=list(STATUSES.items()), blank=True, editable=False, db_index=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("partnership:directory") + f"#member-{self.id}"

    @property
    def status_label(self) -> str:
        return STATUSES.get(self.status, "unknown")

    def timeline(self) -> list[StatusChange]:
        return sorted(self.history.all(), key=StatusChange.sort_key)

    def refresh_status(self) -> None:
        """Set `status` from the latest change in the history."""
        changes = self.timeline()
        status = changes[-1].status if changes else ""
        if status != self.status:
            self.status = status
            Member.objects.filter(pk=self.pk).update(status=status)


class StatusChange(models.Model):
    """One recorded status of a member: joining, becoming a member, leaving, or a dated observation."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="history")
    status = models.CharField(max_length=10, choices=list(STATUSES.items()))
    date = models.DateField(null=True, blank=True, help_text="When the change took effect, if known.")
    date_precision = models.CharField(max_length=5, choices=list(PRECISIONS.items()), blank=True)
    as_of = models.DateField(null=True, blank=True, help_text="When the change date is unknown: a date the status was observed.")
    note = models.CharField(max_length=300, blank=True)
    source = models.URLField(max_length=500, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["member", "id"]
        verbose_name = "status change"

    def __str__(self) -> str:
        return f"{self.member_id}: {self.status} ({self.when or 'date not known'})"

    @property
    def when(self) -> str:
        if self.date:
            return _display(self.date, self.date_precision)
        return f"listed on {_display(self.as_of, 'day')}" if self.as_of else ""

    def sort_key(self) -> tuple:
        effective = self.date or self.as_of or dt.date.min
        return (effective, self.id or 0)

    def clean(self):
        if self.date and not self.date_precision:
            raise ValidationError({"date_precision": "Say how precise the date is (day, month or year)."})
        if not self.date and not self.as_of:
            raise ValidationError({"date": "Give the date of the change, or the date it was observed (as of)."})

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("Recorded status changes are kept as history: add a new StatusChange instead.")
        super().save(*args, **kwargs)
        self.member.refresh_status()


class CountRecord(models.Model):
    """A published count of members and observers at a date, with its source."""

    date = models.DateField()
    date_precision = models.CharField(max_length=5, choices=list(PRECISIONS.items()), default="day")
    members = models.PositiveIntegerField(null=True, blank=True)
    observers = models.PositiveIntegerField(null=True, blank=True)
    members_and_observers = models.PositiveIntegerField(null=True, blank=True, help_text="When only the total is published.")
    note = models.CharField(max_length=300, blank=True)
    source = models.URLField(max_length=500)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.display_date}: {self.note or self.total}"

    @property
    def display_date(self) -> str:
        return _display(self.date, self.date_precision)

    @property
    def total(self) -> int | None:
        if self.members_and_observers is not None:
            return self.members_and_observers
        if self.members is not None and self.observers is not None:
            return self.members + self.observers
        return None
