"""`etsatlas seed` for the partnership: members, their history and the published counts.

Idempotent, and additive for history: a change an editor recorded in the admin is never removed.
"""

from __future__ import annotations

from django.db import transaction

from etsatlas.web.core.seeding import seeder
from etsatlas.web.library.dates import parse_partial_date

from .loading import PartnershipSeed, load_partnership
from .models import CountRecord, Member, StatusChange


@seeder("partnership")
def seed_partnership(seed: PartnershipSeed | None = None) -> dict[str, int]:
    seed = seed or load_partnership()
    counts = {"created": 0, "updated": 0, "unchanged": 0, "changes_added": 0, "counts_added": 0}
    with transaction.atomic():
        for entry in seed.members:
            lon, lat = entry.position or (None, None)
            fields = {"name": entry.name, "level": entry.level, "country": entry.country,
                      "system_ids": entry.systems, "longitude": lon, "latitude": lat}
            member = Member.objects.filter(pk=entry.id).first()
            if member is None:
                member = Member.objects.create(id=entry.id, **fields)
                counts["created"] += 1
            elif any(getattr(member, k) != v for k, v in fields.items()):
                for k, v in fields.items():
                    setattr(member, k, v)
                member.save()
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
            counts["changes_added"] += _add_history(member, entry.history)
        for entry in seed.counts:
            date, precision = parse_partial_date(entry.date)
            _, created = CountRecord.objects.get_or_create(
                date=date, source=entry.source,
                defaults={"date_precision": precision, "members": entry.members, "observers": entry.observers,
                          "members_and_observers": entry.members_and_observers, "note": entry.note},
            )
            counts["counts_added"] += created
    return counts


def _add_history(member: Member, history) -> int:
    have = {(c.status, c.date, c.as_of, c.source) for c in member.history.all()}
    added = 0
    for change in history:
        date, precision = parse_partial_date(change.date)
        key = (change.status, date, change.as_of, change.source)
        if key in have:
            continue
        StatusChange.objects.create(member=member, status=change.status, date=date, date_precision=precision,
                                    as_of=change.as_of, note=change.note, source=change.source)
        have.add(key)
        added += 1
    return added
