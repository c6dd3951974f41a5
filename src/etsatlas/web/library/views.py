"""Pages of the library: search with facets, a resource, a person, an organisation, an attachment."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render

from . import vocab
from .models import Credit, Organisation, Person, Resource
from .search import SORTS, Query, QueryError, search
from .search.documents import system_names
from .search.engine import with_relations


def index(request):
    try:
        query = Query.from_params(request.GET)
        error = None
    except QueryError as exc:
        query, error = Query(), exc
    results = search(query)
    context = {
        "query": query, "results": results, "error": error, "sorts": SORTS,
        "facet_titles": {"type": "Type", "topic": "Topic", "system": "System", "language": "Language"},
        "feeds": _feeds_for(query),
    }
    return render(request, "library/index.html", context, status=400 if error else 200)


def _feeds_for(query: Query) -> list[tuple[str, str, str]]:
    """(kind, value, title) of the feeds matching the page: all resources, and a single chosen filter."""
    feeds = [("", "", "All resources")]
    for kind, values, labels in (("type", query.types, vocab.RESOURCE_TYPES), ("topic", query.topics, vocab.TOPICS), ("system", query.systems, {})):
        if len(values) == 1:
            feeds.append((kind, values[0], labels.get(values[0], values[0])))
    return feeds


def resource_detail(request, slug: str):
    resource = get_object_or_404(with_relations(Resource.objects.all()), slug=slug)
    names = system_names()
    systems = [(sid, names.get(sid)) for sid in resource.systems]
    return render(request, "library/resource_detail.html", {
        "resource": resource, "systems": systems,
        "topics": [(t, vocab.TOPICS.get(t, t)) for t in resource.topics],
        "languages": [(code, vocab.LANGUAGES.get(code, code)) for code in resource.languages],
        "authors": [a.person for a in resource.authorships.select_related("person")],
    })


def person_detail(request, person_id: str):
    person = get_object_or_404(Person.objects.select_related("affiliation"), id=person_id)
    authored = with_relations(Resource.objects.filter(authorships__person=person)).order_by("-date", "-id")
    return render(request, "library/person_detail.html", {"person": person, "authored": authored})


def organisation_detail(request, org_id: str):
    org = get_object_or_404(Organisation, id=org_id)
    by_role = {}
    for role, label in ((Credit.PUBLISHER, "Published"), (Credit.PRODUCER, "Produced")):
        items = with_relations(Resource.objects.filter(credits__organisation=org, credits__role=role).distinct())
        by_role[role] = (label, list(items.order_by("-date", "-id")))
    people = org.people.all()
    return render(request, "library/organisation_detail.html", {"org": org, "by_role": by_role, "people": people})


def attachment(request, slug: str):
    resource = get_object_or_404(Resource, slug=slug)
    if not resource.attachment:
        raise Http404("This resource has no attached file.")
    try:
        handle = resource.attachment.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The attached file is missing from storage.") from exc
    return FileResponse(handle, content_type="application/pdf", filename=f"{resource.slug}.pdf")


