"""Admin: users with their role and jurisdictions; tokens (hash only); a read-only audit log."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from .models import ApiToken, AuditEntry, FactsheetDraft, FactsheetVersion, Profile
from .views import throttled

User = get_user_model()

# The admin sign-in is throttled like the site's own.
admin.site.login = throttled(admin.site.login)


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    fields = ["role", "jurisdictions"]


admin.site.unregister(User)


@admin.register(User)
class AccountAdmin(UserAdmin):
    inlines = [ProfileInline]
    list_display = ["username", "email", "role", "is_active", "is_staff", "last_login"]

    @admin.display(description="role")
    def role(self, obj):
        profile = getattr(obj, "profile", None)
        return profile.role if profile else "—"


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "user", "name", "scopes", "created_at", "last_used_at", "revoked"]
    list_filter = ["revoked"]
    fields = ["user", "name", "prefix", "scopes", "created_at", "last_used_at", "revoked"]
    readonly_fields = ["user", "prefix", "scopes", "created_at", "last_used_at"]

    def has_add_permission(self, request):
        return False  # tokens are issued by `etsatlas tokens create`, which shows the secret once


@admin.register(FactsheetDraft)
class FactsheetDraftAdmin(admin.ModelAdmin):
    list_display = ["id", "system", "state", "author", "base_version", "updated_at"]
    list_filter = ["state"]
    readonly_fields = [f.name for f in FactsheetDraft._meta.fields]

    def has_add_permission(self, request):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FactsheetVersion)
class FactsheetVersionAdmin(ReadOnlyAdmin):
    list_display = ["system", "version", "published_at", "published_by", "author"]
    list_filter = ["system"]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_name", "action", "target_type", "target_id", "address"]
    list_filter = ["action", "target_type"]
    search_fields = ["actor_name", "target_id", "action"]

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser
