"""RSS 2.0 and Atom feeds of the library: everything, or one type, topic or system."""

from __future__ import annotations

import datetime as dt

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from . import vocab
from .models import Resource, ResourceTag
from .text import plain_text

SCOPES = {"type": vocab.RESOURCE_TYPES, "topic": vocab.TOPICS, "system": None}
FEED_SIZE = 50


class ResourceFeed(Feed):
    """Recently added resources; `kind`/`value` from the URL narrow it to one type, topic or system."""

    description_template = None

    def get_object(self, request, kind: str = "", value: str = ""):
        if not kind:
            return None
        labels = SCOPES.get(kind)
        if kind not in SCOPES or (labels is not None and value not in labels):
            raise Http404(f"No {kind} {value!r} in the library.")
        return (kind, value, (labels or {}).get(value, value))

    def title(self, scope):
        return "ETS Atlas library" + (f": {scope[2]}" if scope else "")

    def link(self, scope):
        url = reverse("library:index")
        return f"{url}?{scope[0]}={scope[1]}" if scope else url

    def description(self, scope):
        what = f"{scope[0]} {scope[2]}" if scope else "all types"
        return f"Resources recently added to the ETS Atlas knowledge library ({what})."

    def items(self, scope):
        qs = Resource.objects.prefetch_related("authors")
        if scope:
            kind, value, _ = scope
            if kind == "type":
                qs = qs.filter(type=value)
            else:
                qs = qs.filter(id__in=ResourceTag.objects.filter(kind=kind, value=value).values("resource_id"))
        return qs.order_by("-created_at", "-id")[:FEED_SIZE]

    def item_title(self, item: Resource) -> str:
        return item.title

    def item_description(self, item: Resource) -> str:
        return plain_text(item.summary)

    def item_pubdate(self, item: Resource):
        if item.date:
            return dt.datetime.combine(item.date, dt.time(), tzinfo=dt.UTC)
        return item.created_at

    def item_updateddate(self, item: Resource):
        return item.updated_at

    def item_categories(self, item: Resource):
        return [vocab.RESOURCE_TYPES.get(item.type, item.type)]

    def item_author_name(self, item: Resource):
        names = [p.name for p in item.authors.all()]
        return ", ".join(names) or None


class AtomResourceFeed(ResourceFeed):
    feed_type = Atom1Feed
    subtitle = ResourceFeed.description
