"""Read-only admin: prices change only through imports, which keep provenance and revisions."""

from django.contrib import admin

from ..core.admin import ReadOnlyAdmin
from .models import Observation, PriceImport, RateSeries, Revision


@admin.register(PriceImport)
class PriceImportAdmin(ReadOnlyAdmin):
    list_display = ["id", "file_name", "layout", "imported_at", "added", "revised", "unchanged"]
    search_fields = ["file_name", "sha256"]


@admin.register(Observation)
class ObservationAdmin(ReadOnlyAdmin):
    list_display = ["system", "date", "market", "series", "value", "currency", "source_import", "line", "column"]
    list_filter = ["market", "series", "system"]
    search_fields = ["system"]
    date_hierarchy = "date"


@admin.register(Revision)
class RevisionAdmin(ReadOnlyAdmin):
    list_display = ["observation", "previous_value", "value", "price_import", "previous_import"]


@admin.register(RateSeries)
class RateSeriesAdmin(ReadOnlyAdmin):
    list_display = ["currency", "source_import", "date_count", "first_date", "last_date"]
    list_filter = ["currency"]

    @admin.display(description="dates")
    def date_count(self, obj: RateSeries) -> int:
        return len(obj.dates)

    @admin.display(description="from")
    def first_date(self, obj: RateSeries) -> str:
        return str(obj.dates[0]) if len(obj.dates) else ""

    @admin.display(description="until")
    def last_date(self, obj: RateSeries) -> str:
        return str(obj.dates[-1]) if len(obj.dates) else ""
