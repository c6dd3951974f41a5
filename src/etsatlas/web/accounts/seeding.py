"""Seeder: make sure every published factsheet has its current version in the history."""

from etsatlas.web.atlas.models import System
from etsatlas.web.core.seeding import seeder

from .models import FactsheetVersion
from .workflow import record_version


@seeder("history")
def record_published_versions() -> dict[str, int]:
    known = set(FactsheetVersion.objects.values_list("system_id", "version"))
    recorded = 0
    for system in System.objects.all():
        if (system.pk, system.version) not in known:
            record_version(system, note="recorded from the published data")
            recorded += 1
    return {"recorded": recorded}
