"""Design guidance on factsheets: library resources on the design choices a factsheet records."""

from __future__ import annotations

import pytest

from etsatlas.schema import Factsheet
from etsatlas.web.library.guidance import design_guidance, design_topics
from etsatlas.web.library.models import Resource, ResourceTag
from etsatlas.web.library.seeding import seed_library


def edited(sheet: Factsheet, **changes) -> Factsheet:
    data = sheet.model_dump(mode="json")
    for path, value in changes.items():
        node = data
        *parents, leaf = path.split("__")
        for key in parents:
            if node.get(key) is None:
                node[key] = {}
            node = node[key]
        node[leaf] = value
    return Factsheet.model_validate(data)


def test_a_link_brings_the_linking_topic_and_no_link_removes_it(eu_ets):
    assert eu_ets.links, "the EU ETS is linked with Switzerland"
    assert "linking" in design_topics(eu_ets)
    assert "linking" not in design_topics(edited(eu_ets, links=[]))


def test_offsets_count_only_when_the_factsheet_says_they_are_allowed(eu_ets):
    allowed = edited(eu_ets, flexibility__offsets={"allowed": True})
    refused = edited(eu_ets, flexibility__offsets={"allowed": False})
    unknown = edited(eu_ets, flexibility__offsets={"allowed": None})
    assert "offsets" in design_topics(allowed)
    assert "offsets" not in design_topics(refused) and "offsets" not in design_topics(unknown)


def test_power_sector_brings_electricity(eu_ets):
    sectors = [s.model_dump(mode="json") for s in eu_ets.scope.sectors]
    assert any(s["sector"] == "power" for s in sectors)
    assert "electricity" in design_topics(eu_ets)
    without = edited(eu_ets, scope__sectors=[s for s in sectors if s["sector"] != "power"])
    assert "electricity" not in design_topics(without)


def test_a_system_with_nothing_recorded_gets_no_guidance(eu_ets, db):
    bare = Factsheet.model_validate({k: v for k, v in eu_ets.model_dump(mode="json").items()
                                     if k in {"id", "name", "jurisdictions", "level", "region", "status", "as_of", "sources"}})
    assert design_topics(bare) == []
    assert design_guidance(bare) == []


@pytest.mark.django_db
def test_guidance_ranks_resources_sharing_most_topics_first_and_skips_linked_ones(eu_ets):
    seed_library()
    topics = set(design_topics(eu_ets))
    found = design_guidance(eu_ets, count=50)
    assert found, "the seeded library has guidance on linking and price management"
    # Independent count of shared topics for every resource, from the tags.
    shared = {}
    for tag in ResourceTag.objects.filter(kind="topic"):
        if tag.value in topics:
            shared[tag.resource_id] = shared.get(tag.resource_id, 0) + 1
    linked = set(ResourceTag.objects.filter(kind="system", value=eu_ets.id).values_list("resource_id", flat=True))
    expected = {rid for rid in shared if rid not in linked}
    assert {r.id for r, _ in found} == expected
    counts = [shared[r.id] for r, _ in found]
    assert counts == sorted(counts, reverse=True)
    assert all(len(labels) == shared[r.id] for r, labels in found)


@pytest.mark.django_db
def test_factsheet_page_shows_the_guidance(client, seeded):
    seed_library()
    page = client.get("/systems/eu-ets/").content.decode()
    assert "Guidance on its design" in page
    guide = Resource.objects.get(title="A Guide to Linking Emissions Trading Systems")
    section = page.split("Guidance on its design", 1)[1]
    assert guide.get_absolute_url() in section and "On: " in section
