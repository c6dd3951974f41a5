"""Library API: search resources, read one resource, a person or an organisation.

GET /api/v1/resources?q=linking&type=guide&system=eu-ets
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from etsatlas.web.core.errors import ApiError

from .models import Credit, Organisation, Person, Resource
from .search import Query, QueryError, search
from .search.engine import with_relations

router = Router()


class OrganisationRef(Schema):
    id: str
    name: str
    url: str


class PersonRef(Schema):
    id: str
    name: str
    url: str


class ResourceOut(Schema):
    id: str
    title: str
    type: str
    date: str | None
    date_precision: str | None
    summary: str
    summary_html: str
    authors: list[PersonRef]
    publishers: list[OrganisationRef]
    producers: list[OrganisationRef]
    topics: list[str]
    systems: list[str]
    languages: list[str]
    external_url: str | None
    file_url: str | None
    sources: list[str]
    url: str
    added: str


class Hit(Schema):
    resource: ResourceOut
    rank: float | None
    snippet_html: str


class FacetCount(Schema):
    value: str
    label: str
    count: int


class SearchOut(Schema):
    count: int
    page: int
    pages: int
    results: list[Hit]
    facets: dict[str, list[FacetCount]]
    years: dict[str, int]


class ResourceList(Schema):
    count: int
    results: list[ResourceOut]


class PersonOut(PersonRef):
    affiliation: OrganisationRef | None
    authored_count: int
    authored: list[ResourceOut]


class OrganisationOut(OrganisationRef):
    short_name: str
    website: str
    published_count: int
    produced_count: int
    published: list[ResourceOut]
    produced: list[ResourceOut]


def _org(o: Organisation) -> dict:
    return {"id": o.id, "name": o.name, "url": o.get_absolute_url()}


def _person(p: Person) -> dict:
    return {"id": p.id, "name": p.name, "url": p.get_absolute_url()}


def resource_data(r: Resource) -> dict:
    from django.urls import reverse

    return {
        "id": r.slug, "title": r.title, "type": r.type,
        "date": r.date.isoformat() if r.date else None, "date_precision": r.date_precision or None,
        "summary": r.summary, "summary_html": str(r.summary_html),
        "authors": [_person(p) for p in r.authors.all()],
        "publishers": [_org(o) for o in r.publishers()], "producers": [_org(o) for o in r.producers()],
        "topics": r.topics, "systems": r.systems, "languages": r.languages,
        "external_url": r.url or None,
        "file_url": reverse("library:attachment", args=[r.slug]) if r.attachment else None,
        "sources": list(r.sources or []), "url": r.get_absolute_url(), "added": r.created_at.isoformat(),
    }


@router.get("/resources", response=SearchOut, summary="Search the library")
def list_resources(
    request: HttpRequest, q: str = "", type: str = "", topic: str = "", system: str = "", language: str = "",
    year_from: str = "", year_to: str = "", sort: str = "relevance", page: str = "1", per_page: int = 20,
):
    """Ranked full-text search with filters (comma-separated values allowed) and facet counts."""
    params = {"q": q, "type": type, "topic": topic, "system": system, "language": language,
              "year_from": year_from, "year_to": year_to, "sort": sort, "page": page}
    try:
        query = Query.from_params(params, per_page=per_page)
    except QueryError as exc:
        raise ApiError(400, "invalid_parameter", exc.message, field=exc.field) from exc
    results = search(query)
    return {
        "count": results.total, "page": query.page, "pages": results.pages,
        "results": [{"resource": resource_data(h.resource), "rank": h.rank, "snippet_html": str(h.snippet_html)} for h in results.hits],
        "facets": {k: [{"value": f.value, "label": f.label, "count": f.count} for f in v] for k, v in results.facets.items()},
        "years": {str(y): n for y, n in results.years},
    }


@router.get("/resources/{resource_id}", response=ResourceOut, summary="One library resource")
def get_resource(request: HttpRequest, resource_id: str):
    resource = with_relations(Resource.objects.all()).filter(slug=resource_id).first()
    if resource is None:
        raise ApiError(404, "not_found", f"no resource with id {resource_id!r}", field="resource_id")
    return resource_data(resource)


@router.get("/people/{person_id}", response=PersonOut, summary="A person and what they authored")
def get_person(request: HttpRequest, person_id: str):
    person = Person.objects.select_related("affiliation").filter(id=person_id).first()
    if person is None:
        raise ApiError(404, "not_found", f"no person with id {person_id!r}", field="person_id")
    authored = [resource_data(r) for r in with_relations(Resource.objects.filter(authorships__person=person)).order_by("-date", "-id")]
    return {**_person(person), "affiliation": _org(person.affiliation) if person.affiliation else None,
            "authored_count": len(authored), "authored": authored}


@router.get("/organisations/{org_id}", response=OrganisationOut, summary="An organisation and what it published or produced")
def get_organisation(request: HttpRequest, org_id: str):
    org = Organisation.objects.filter(id=org_id).first()
    if org is None:
        raise ApiError(404, "not_found", f"no organisation with id {org_id!r}", field="org_id")
    lists = {}
    for role in (Credit.PUBLISHER, Credit.PRODUCER):
        qs = with_relations(Resource.objects.filter(credits__organisation=org, credits__role=role).distinct())
        lists[role] = [resource_data(r) for r in qs.order_by("-date", "-id")]
    return {**_org(org), "short_name": org.short_name, "website": org.url,
            "published_count": len(lists[Credit.PUBLISHER]), "produced_count": len(lists[Credit.PRODUCER]),
            "published": lists[Credit.PUBLISHER], "produced": lists[Credit.PRODUCER]}


