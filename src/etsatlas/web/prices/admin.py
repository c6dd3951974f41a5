"""Read-only admin: prices change only through imports, which keep provenance and revisions."""

from django.contrib import admin

from .models import ExchangeRate, Observation, PriceImport, Revision


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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


@admin.register(ExchangeRate)
class ExchangeRateAdmin(ReadOnlyAdmin):
    list_display = ["currency", "date", "eur_rate", "usd_rate", "source_import"]
    list_filter = ["currency"]
