"""Editors record a new member, an observer becoming a member, or a departure by adding a status change.

Earlier changes are shown read-only: the history is kept, never overwritten.
"""

from django.contrib import admin
from django.db import models

from .models import CountRecord, Member, StatusChange


class RecordedChangeInline(admin.TabularInline):
    model = StatusChange
    verbose_name_plural = "history (recorded changes cannot be edited)"
    fields = ["status", "date", "date_precision", "as_of", "note", "source", "recorded_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class NewChangeInline(admin.StackedInline):
    model = StatusChange
    verbose_name = "new status change"
    verbose_name_plural = "record a change (joining, observer becoming member, departure)"
    fields = ["status", "date", "date_precision", "as_of", "note", "source"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    extra = 1
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).none()

    def has_change_permission(self, request, obj=None):
        return True


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["name", "status", "level", "country"]
    list_filter = ["status", "level"]
    search_fields = ["name", "country", "id"]
    prepopulated_fields = {"id": ["name"]}
    readonly_fields = ["status"]
    inlines = [RecordedChangeInline, NewChangeInline]


@admin.register(CountRecord)
class CountRecordAdmin(admin.ModelAdmin):
    list_display = ["date", "members", "observers", "members_and_observers", "note"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
