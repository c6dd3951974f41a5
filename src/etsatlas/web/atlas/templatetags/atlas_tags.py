"""Rendering of facts: unknown values say so, uncertain values carry a visible mark."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from etsatlas.schema import Fact

register = template.Library()

UNKNOWN = mark_safe('<span class="unknown" title="No source confirmed this value">unknown</span>')


def _plain(value):
    label = getattr(value, "label", None)
    if label is not None:
        return label
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (int, float)) and abs(value) >= 10_000:
        return f"{value:,}"  # thousands separators, but not for years such as 2013
    return value


@register.simple_tag
def fact(value, suffix=""):
    """A Fact, a plain value or None, rendered with its uncertainty."""
    if value is None or (isinstance(value, Fact) and value.value is None):
        return UNKNOWN
    if isinstance(value, Fact):
        text = _plain(value.value)
        note = format_html(' <span class="fact-note">({})</span>', value.note) if value.note else ""
        if value.uncertain:
            return format_html(
                '<span class="uncertain" title="Not fully confirmed by a retrieved source">{}{}'
                '<abbr class="uncertain-mark" title="uncertain">?</abbr></span>{}', text, suffix, note)
        return format_html("{}{}{}", text, suffix, note)
    return format_html("{}{}", _plain(value), suffix)


@register.filter
def label(value):
    """Human label of a vocabulary value."""
    return getattr(value, "label", value)


@register.simple_tag
def status_badge(status):
    return format_html('<span class="badge status-{}">{}</span>', status.value, status.label)


@register.filter
def get_item(mapping, key):
    return mapping.get(key)


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (for sorting links)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        params[key] = value
    return params.urlencode()


@register.filter
def sources_for(sheet, section):
    """Sources tagged with this section (the full list closes the factsheet)."""
    return [src for src in sheet.sources if section in {s.value for s in src.sections}]


@register.filter
def join_labels(values):
    return ", ".join(getattr(v, "label", str(v)) for v in values)


@register.filter
def slice_at(values, index):
    """values[index], or None past the end (for pre-selecting pickers)."""
    return values[index] if 0 <= index < len(values) else None
