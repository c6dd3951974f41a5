"""Markdown summaries: rendered with `markdown`, then cleaned with `nh3` so no script survives."""

from __future__ import annotations

import re

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "code", "pre", "blockquote", "ul", "ol", "li", "a",
    "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "hr", "sup", "sub",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "td": set()}
URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str) -> SafeString:
    """HTML for a Markdown summary: only harmless tags, only http(s)/mailto links."""
    html = markdown.markdown(text or "", extensions=["tables", "sane_lists"], output_format="html")
    cleaned = nh3.clean(
        html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(cleaned)  # noqa: S308 - cleaned by nh3 just above


_MARKUP = re.compile(r"[*_`#>\[\]()|~-]+")


def plain_text(text: str) -> str:
    """The words of a Markdown summary without markup or tags (for the search index and feeds)."""
    no_tags = nh3.clean(markdown.markdown(text or ""), tags=set())
    return re.sub(r"\s+", " ", _MARKUP.sub(" ", no_tags)).strip()
