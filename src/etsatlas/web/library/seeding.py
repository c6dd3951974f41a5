"""`etsatlas seed` for the library: publications, organisations and people from data/publications.yaml.

Idempotent: a second run changes nothing. Entries an editor added in the admin are left alone.
"""

from __future__ import annotations

from django.db import transaction

from etsatlas.web.core.seeding import seeder

from .loading import LibrarySeed, ResourceEntry, load_library
from .models import Authorship, Credit, Organisation, Person, Resource, ResourceTag
from .search.documents import reindex, system_names
from .signals import reindex_paused


@seeder("library")
def seed_library(seed: LibrarySeed | None = None) -> dict[str, int]:
    seed = seed or load_library()
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    with transaction.atomic(), reindex_paused():
        for org in seed.organisations:
            Organisation.objects.update_or_create(id=org.id, defaults=org.model_dump(exclude={"id"}))
        for person in seed.people:
            Person.objects.update_or_create(
                id=person.id,
                defaults={"name": person.name, "url": person.url, "affiliation_id": person.affiliation},
            )
        touched = []
        for entry in seed.resources:
            outcome, resource = _upsert(entry)
            counts[outcome] += 1
            touched.append(resource)
        names = system_names()
        for resource in Resource.objects.filter(id__in=[r.id for r in touched]).prefetch_related("tags", "authors", "organisations"):
            reindex(resource, names)
    return {**counts, "organisations": len(seed.organisations), "people": len(seed.people)}


def _upsert(entry: ResourceEntry) -> tuple[str, Resource]:
    date, precision = entry.date_and_precision
    fields = {
        "title": entry.title, "type": entry.type, "date": date, "date_precision": precision,
        "summary": entry.summary.strip(), "url": entry.url, "sources": entry.sources,
    }
    resource = Resource.objects.filter(slug=entry.id).first()
    created = resource is None
    if created:
        resource = Resource.objects.create(slug=entry.id, **fields)
    changed = created
    for name, value in fields.items():
        if getattr(resource, name) != value:
            setattr(resource, name, value)
            changed = True
    if changed and not created:
        resource.save()
    changed |= _sync_relations(resource, entry)
    return ("created" if created else "updated" if changed else "unchanged"), resource


def _sync_relations(resource: Resource, entry: ResourceEntry) -> bool:
    """Make authors, credits and tags exactly those of the seed entry; True when anything changed."""
    want_tags = {(k, v) for k, values in (("topic", entry.topics), ("system", entry.systems), ("language", entry.languages)) for v in values}
    want_credits = [(o, Credit.PUBLISHER) for o in entry.publishers] + [(o, Credit.PRODUCER) for o in entry.producers]
    have_tags = set(resource.tags.values_list("kind", "value"))
    have_credits = list(resource.credits.order_by("position", "id").values_list("organisation_id", "role"))
    have_authors = list(resource.authorships.order_by("position", "id").values_list("person_id", flat=True))
    changed = False
    if have_tags != want_tags:
        resource.tags.all().delete()
        ResourceTag.objects.bulk_create(ResourceTag(resource=resource, kind=k, value=v) for k, v in sorted(want_tags))
        changed = True
    if have_credits != want_credits:
        resource.credits.all().delete()
        Credit.objects.bulk_create(
            Credit(resource=resource, organisation_id=o, role=role, position=i) for i, (o, role) in enumerate(want_credits)
        )
        changed = True
    if have_authors != entry.authors:
        resource.authorships.all().delete()
        Authorship.objects.bulk_create(Authorship(resource=resource, person_id=p, position=i) for i, p in enumerate(entry.authors))
        changed = True
    return changed
