"""Named sample content for tests, demos and the search benchmark (never loaded by the seed)."""

from __future__ import annotations

import datetime as dt
import random

from . import vocab
from .models import Authorship, Credit, Organisation, Person, Resource, ResourceTag
from .search.documents import reindex
from .signals import reindex_paused


def add_resource(slug: str, title: str, type: str = "paper", summary: str = "", *, date: dt.date | None = None,
                 precision: str = "", topics=(), systems=(), languages=("en",), authors=(), publishers=(),
                 producers=()) -> Resource:
    """One resource with its relations, indexed once (as an editor's save in the admin would)."""
    with reindex_paused():
        resource = Resource.objects.create(
            slug=slug, title=title, type=type, summary=summary, date=date,
            date_precision=precision or ("day" if date else ""),
        )
        ResourceTag.objects.bulk_create(
            [ResourceTag(resource=resource, kind="topic", value=v) for v in topics]
            + [ResourceTag(resource=resource, kind="system", value=v) for v in systems]
            + [ResourceTag(resource=resource, kind="language", value=v) for v in languages]
        )
        Authorship.objects.bulk_create(Authorship(resource=resource, person=p, position=i) for i, p in enumerate(authors))
        Credit.objects.bulk_create(
            [Credit(resource=resource, organisation=o, role=Credit.PUBLISHER, position=i) for i, o in enumerate(publishers)]
            + [Credit(resource=resource, organisation=o, role=Credit.PRODUCER, position=i) for i, o in enumerate(producers)]
        )
    reindex(resource)
    return resource


def system_examples() -> dict[str, Resource]:
    """Resources about named systems, with two authors and a producing organisation."""
    icap, _ = Organisation.objects.get_or_create(id="icap", defaults={"name": "International Carbon Action Partnership", "short_name": "ICAP"})
    lab, _ = Organisation.objects.get_or_create(id="example-lab", defaults={"name": "Example Climate Policy Lab"})
    ana = Person.objects.create(id="ana-example", name="Ana Example", affiliation=lab)
    ben = Person.objects.create(id="ben-example", name="Ben Example")
    return {
        "msr": add_resource(
            "msr-explained", "The market stability reserve explained", "paper",
            "How the reserve of the EU ETS absorbs surplus allowances.", date=dt.date(2019, 5, 1), precision="month",
            topics=["price_management"], systems=["eu-ets"], authors=[ana], publishers=[icap], producers=[lab]),
        "wci": add_resource(
            "wci-linked-market", "A linked market in North America", "brief",
            "California and Québec trade allowances in one market since 2014.", date=dt.date(2020, 1, 15),
            topics=["linking"], systems=["ca-cat", "qc-cat"], authors=[ana, ben], publishers=[icap]),
        "swiss": add_resource(
            "eu-swiss-link", "Linking the Swiss and EU systems", "news",
            "The link between the two systems took effect in 2020.", date=dt.date(2020, 1, 1),
            topics=["linking"], systems=["eu-ets", "ch-ets"], languages=["en", "de"], producers=[lab]),
    }


WORDS = (
    "allowance auction benchmark cap carbon compliance credit emissions free allocation leakage market "
    "offset price reserve revenue sector trading verification electricity industry aviation maritime "
    "buildings transport floor ceiling banking borrowing registry penalty pilot reform review"
).split()


def generate(count: int, seed: int = 7, batch: int = 1000) -> int:
    """Insert `count` synthetic resources (bulk, search text precomputed); returns how many were made."""
    rng = random.Random(seed)
    types, topics, langs = list(vocab.RESOURCE_TYPES), list(vocab.TOPICS), list(vocab.LANGUAGES)
    systems = ["eu-ets", "ca-cat", "qc-cat", "kr-ets", "nz-ets", "cn-ets", "uk-ets", "rggi", "ch-ets", "tokyo-cat"]
    start = Resource.objects.count()
    made = 0
    while made < count:
        n = min(batch, count - made)
        rows, tags = [], []
        for i in range(n):
            k = start + made + i
            title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 9))).capitalize()
            summary = " ".join(rng.choice(WORDS) for _ in range(rng.randint(30, 90)))
            chosen = (rng.sample(topics, rng.randint(1, 3)), rng.sample(systems, rng.randint(0, 2)), [rng.choice(langs)])
            text = " · ".join([summary, *(vocab.TOPICS[t] for t in chosen[0]), *chosen[1]])
            rows.append(Resource(
                slug=f"generated-{k}", title=title, type=rng.choice(types), summary=summary, search_text=text,
                date=dt.date(2005 + rng.randrange(21), rng.randint(1, 12), rng.randint(1, 28)), date_precision="day",
            ))
            tags.append(chosen)
        created = Resource.objects.bulk_create(rows)
        if created and created[0].pk is None:  # backends that do not return ids from bulk inserts
            created = list(Resource.objects.filter(slug__in=[r.slug for r in rows]).order_by("id"))
        ResourceTag.objects.bulk_create(
            ResourceTag(resource=r, kind=kind, value=v)
            for r, chosen in zip(created, tags, strict=True)
            for kind, values in zip(("topic", "system", "language"), chosen, strict=True)
            for v in values
        )
        made += n
    return made
