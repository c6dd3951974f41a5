"""The editor's resource form: topics, languages and related systems edited as fields, saved as tags."""

from __future__ import annotations

import re
from functools import partial

from django import forms

from . import vocab
from .models import Resource, ResourceTag

SYSTEM_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


def known_system_ids() -> set[str]:
    try:
        from etsatlas.web.atlas.store import snapshot

        return set(snapshot().by_id)
    except Exception:  # noqa: BLE001 - the knowledge base may be empty or absent
        return set()


def clean_system_ids(raw: str) -> list[str]:
    """Comma- or space-separated system ids, checked against the knowledge base when it has systems."""
    ids = list(dict.fromkeys(part.strip().lower() for part in re.split(r"[,\s]+", raw or "") if part.strip()))
    bad = [i for i in ids if not SYSTEM_ID.match(i)]
    if bad:
        raise forms.ValidationError("%(id)r is not a system id (lower-case letters, digits and hyphens).", code="bad_system_id", params={"id": bad[0]})
    known = known_system_ids()
    unknown = [i for i in ids if known and i not in known]
    if unknown:
        raise forms.ValidationError(
            "No factsheet has the id %(id)r. Use an id from the systems list, e.g. eu-ets or ca-cat.",
            code="unknown_system", params={"id": unknown[0]},
        )
    return ids


class ResourceForm(forms.ModelForm):
    topics = forms.MultipleChoiceField(choices=vocab.choices(vocab.TOPICS), required=False, widget=forms.CheckboxSelectMultiple)
    languages = forms.MultipleChoiceField(choices=vocab.choices(vocab.LANGUAGES), required=False, widget=forms.CheckboxSelectMultiple)
    systems = forms.CharField(required=False, help_text="Related systems: factsheet ids separated by commas, e.g. eu-ets, ch-ets.")

    class Meta:
        model = Resource
        fields = ["slug", "title", "type", "date", "date_precision", "summary", "url", "attachment", "sources"]
        field_classes = {"url": partial(forms.URLField, assume_scheme="https")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.update(topics=self.instance.topics, languages=self.instance.languages, systems=", ".join(self.instance.systems))

    def clean_systems(self):
        return clean_system_ids(self.cleaned_data.get("systems", ""))

    def clean(self):
        data = super().clean()
        if data.get("date") and not data.get("date_precision"):
            self.add_error("date_precision", forms.ValidationError("Say how precise the date is (day, month or year).", code="precision_required"))
        if not data.get("date") and data.get("date_precision"):
            self.add_error("date", forms.ValidationError("A precision was given without a date.", code="date_required"))
        return data

    def save_tags(self, resource: Resource) -> None:
        want = {(kind, v) for kind in ("topic", "language", "system") for v in self.cleaned_data.get(f"{kind}s", [])}
        have = set(resource.tags.values_list("kind", "value"))
        for kind, value in have - want:
            resource.tags.filter(kind=kind, value=value).delete()
        for kind, value in sorted(want - have):
            ResourceTag.objects.create(resource=resource, kind=kind, value=value)
