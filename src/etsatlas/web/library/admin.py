from django.contrib import admin
from django.db import models

from .forms import ResourceForm
from .models import Authorship, Credit, Organisation, Person, Resource


class AuthorshipInline(admin.TabularInline):
    model = Authorship
    extra = 1
    autocomplete_fields = ["person"]


class CreditInline(admin.TabularInline):
    model = Credit
    extra = 1
    autocomplete_fields = ["organisation"]


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    form = ResourceForm
    list_display = ["title", "type", "date", "created_at"]
    list_filter = ["type", "date_precision"]
    search_fields = ["title", "slug", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [AuthorshipInline, CreditInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "type", ("date", "date_precision")]}),
        ("Content", {"fields": ["summary", "url", "attachment", "sources"]}),
        ("Classification", {"fields": ["topics", "systems", "languages"]}),
    ]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.save_tags(form.instance)


class HttpsUrlsAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Person)
class PersonAdmin(HttpsUrlsAdmin):
    list_display = ["name", "id", "affiliation"]
    search_fields = ["name", "id"]
    prepopulated_fields = {"id": ["name"]}


@admin.register(Organisation)
class OrganisationAdmin(HttpsUrlsAdmin):
    list_display = ["name", "short_name", "id"]
    search_fields = ["name", "short_name", "id"]
    prepopulated_fields = {"id": ["name"]}
