"""Library guidance that bears on a system's design, chosen from what its factsheet records.

Most of the partnership's publications are about design questions, not about one system, so a
factsheet's "related resources" would stay empty for most systems. A reader of a factsheet with
offsets, a price floor or a link wants the guidance on exactly those choices: this module names
the library topics a factsheet touches, and ranks the resources on them.
"""

from __future__ import annotations

from etsatlas.schema import Factsheet
from etsatlas.schema.vocab import Sector

from .models import Resource, ResourceTag
from .search.engine import with_relations
from .vocab import TOPICS


def _true(fact) -> bool:
    return fact is not None and fact.value is True


def design_topics(sheet: Factsheet) -> list[str]:
    """Library topic ids for the design features the factsheet states (never for unknown ones)."""
    pm = sheet.price_management
    features = {
        "cap_setting": bool(sheet.cap.values) or (sheet.cap.type is not None and sheet.cap.type.value is not None),
        "allocation": bool(sheet.allocation.methods) or sheet.allocation.auction_share_pct is not None,
        "offsets": sheet.flexibility.offsets is not None and _true(sheet.flexibility.offsets.allowed),
        "price_management": any(
            level is not None and _true(level.exists)
            for level in (pm.floor, pm.ceiling, pm.cost_containment, pm.emissions_containment, pm.stability_reserve)
        ),
        "linking": bool(sheet.links),
        "electricity": any(s.sector == Sector.POWER for s in sheet.scope.sectors),
        "revenue_use": any(r.use or (r.amount is not None and r.amount.value is not None) for r in sheet.revenue),
        "mrv": sheet.governance.mrv is not None and sheet.governance.mrv.value is not None,
    }
    return [topic for topic, present in features.items() if present]


def design_guidance(sheet: Factsheet, count: int = 5) -> list[tuple[Resource, list[str]]]:
    """Resources on the factsheet's design topics, those covering most of them first, then newest.

    Each comes with the labels of the topics it shares with the system. Resources already linked to the
    system are left out: the factsheet lists them separately.
    """
    topics = design_topics(sheet)
    if not topics:
        return []
    linked = ResourceTag.objects.filter(kind="system", value=sheet.id).values("resource_id")
    shared: dict[int, list[str]] = {}
    for resource_id, topic in (ResourceTag.objects.filter(kind="topic", value__in=topics)
                               .exclude(resource_id__in=linked).values_list("resource_id", "value")):
        shared.setdefault(resource_id, []).append(topic)
    order = {topic: i for i, topic in enumerate(topics)}
    resources = list(with_relations(Resource.objects.filter(id__in=list(shared))))
    ranked = sorted(resources, key=lambda r: (-len(shared[r.id]), -_sort_date(r), -r.id))[:count]
    return [(r, [TOPICS[t] for t in sorted(shared[r.id], key=order.__getitem__)]) for r in ranked]


def _sort_date(resource: Resource) -> int:
    return resource.date.toordinal() if resource.date else 0
