"""Resources of the knowledge library, the people who write them and the organisations behind them.

Topics, related systems and languages are rows of one tag table, so every facet is counted the
same way. Related systems are plain system ids (e.g. ``eu-ets``): a resource keeps its link when
a factsheet is absent, and the page simply shows the id.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse

from . import vocab
from .text import render_markdown
from .uploads import validate_pdf

SYSTEM_ID_HELP = "Factsheet id, e.g. eu-ets or ca-cat."


class Organisation(models.Model):
    id = models.SlugField(primary_key=True, max_length=80, help_text="Stable id used in URLs and the API, e.g. icap.")
    name = models.CharField(max_length=300)
    short_name = models.CharField(max_length=60, blank=True)
    url = models.URLField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.short_name or self.name

    def get_absolute_url(self) -> str:
        return reverse("library:organisation", args=[self.id])


class Person(models.Model):
    id = models.SlugField(primary_key=True, max_length=80, help_text="Stable id used in URLs and the API.")
    name = models.CharField(max_length=200)
    affiliation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="people")
    url = models.URLField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("library:person", args=[self.id])


class Resource(models.Model):
    slug = models.SlugField(unique=True, max_length=120, help_text="Stable id used in URLs and the API.")
    title = models.CharField(max_length=400)
    type = models.CharField(max_length=20, choices=vocab.choices(vocab.RESOURCE_TYPES), db_index=True)
    date = models.DateField(null=True, blank=True, db_index=True, help_text="Leave empty when the date is not known.")
    date_precision = models.CharField(
        max_length=5, choices=vocab.choices(vocab.DATE_PRECISIONS), blank=True,
        help_text="How much of the date is known: day, month or year.",
    )
    summary = models.TextField(blank=True, help_text="Markdown; sanitised when shown.")
    url = models.URLField(blank=True, max_length=500, verbose_name="external URL")
    attachment = models.FileField(upload_to="library/", blank=True, validators=[validate_pdf], help_text="PDF only.")
    sources = models.JSONField(default=list, blank=True, help_text="URLs confirming the facts given here.")
    authors = models.ManyToManyField(Person, through="Authorship", related_name="resources", blank=True)
    organisations = models.ManyToManyField(Organisation, through="Credit", related_name="resources", blank=True)
    # Derived on save (see search.documents): the text the full-text index reads besides the title.
    search_text = models.TextField(blank=True, editable=False)
    # PostgreSQL only: filled by a trigger, indexed with GIN (migration 0002). Empty on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("library:resource", args=[self.slug])

    @property
    def type_label(self) -> str:
        return vocab.RESOURCE_TYPES.get(self.type, self.type)

    @property
    def display_date(self) -> str:
        if self.date is None:
            return "date not known"
        fmt = {"year": "%Y", "month": "%B %Y"}.get(self.date_precision, "%-d %B %Y")
        return self.date.strftime(fmt)

    @property
    def year(self) -> int | None:
        return self.date.year if self.date else None

    @property
    def summary_html(self) -> str:
        return render_markdown(self.summary)

    def tag_values(self, kind: str) -> list[str]:
        return sorted(t.value for t in self.tags.all() if t.kind == kind)

    @property
    def topics(self) -> list[str]:
        return self.tag_values("topic")

    @property
    def systems(self) -> list[str]:
        return self.tag_values("system")

    @property
    def languages(self) -> list[str]:
        return self.tag_values("language")

    def publishers(self) -> list[Organisation]:
        return [c.organisation for c in self.credits.all() if c.role == Credit.PUBLISHER]

    def producers(self) -> list[Organisation]:
        return [c.organisation for c in self.credits.all() if c.role == Credit.PRODUCER]


class Authorship(models.Model):
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="authorships")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="authorships")
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in the author list.")

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["resource", "person"], name="library_authorship_unique")]


class Credit(models.Model):
    """An organisation's part in a resource: it published it, or produced it (commissioned, wrote)."""

    PUBLISHER, PRODUCER = "publisher", "producer"
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="credits")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="credits")
    role = models.CharField(max_length=10, choices=[(PUBLISHER, "Publisher"), (PRODUCER, "Producer")], default=PUBLISHER)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["resource", "organisation", "role"], name="library_credit_unique")]


class ResourceTag(models.Model):
    """One topic, related system or language of a resource (kinds in vocab.TAG_KINDS)."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="tags")
    kind = models.CharField(max_length=10, choices=[(k, k) for k in vocab.TAG_KINDS])
    value = models.CharField(max_length=40, help_text=SYSTEM_ID_HELP)

    class Meta:
        ordering = ["kind", "value"]
        constraints = [models.UniqueConstraint(fields=["resource", "kind", "value"], name="library_tag_unique")]
        indexes = [models.Index(fields=["kind", "value"], name="library_tag_kind_value")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"
