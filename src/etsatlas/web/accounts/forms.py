"""Forms of the editorial pages. The factsheet is edited as YAML, like the curated files."""

from __future__ import annotations

import yaml
from django import forms


class DraftForm(forms.Form):
    base_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    document = forms.CharField(
        label="Factsheet (YAML)", widget=forms.Textarea(attrs={"rows": 40, "cols": 100, "spellcheck": "false"}),
        max_length=500_000,
    )
    note = forms.CharField(label="What changed and why", required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def clean_document(self):
        text = self.cleaned_data["document"]
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 1}" if mark else ""
            raise forms.ValidationError(f"not valid YAML{where}: {getattr(exc, 'problem', exc)}", code="yaml") from None
        if not isinstance(data, dict):
            raise forms.ValidationError("expected a mapping of factsheet fields", code="type")
        return data


class ReviewForm(forms.Form):
    comment = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class DiffForm(forms.Form):
    a = forms.IntegerField(min_value=1, max_value=2**31 - 1)
    b = forms.IntegerField(min_value=1, max_value=2**31 - 1)
