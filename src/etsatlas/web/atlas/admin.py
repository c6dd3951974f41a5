from django.contrib import admin

from .models import System


@admin.register(System)
class SystemAdmin(admin.ModelAdmin):
    list_display = ["id", "name", "status", "level", "region", "version", "updated_at"]
    list_filter = ["status", "level", "region"]
    search_fields = ["id", "name", "short_name"]
    readonly_fields = ["content_hash", "version", "updated_at", "created_at"]
