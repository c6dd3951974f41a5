"""Audit entries for changes made outside the workflow: seeding, the admin, accounts, sign-ins."""

from __future__ import annotations

from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from etsatlas.web.atlas.models import System

from . import audit, throttle
from .models import ApiToken, Profile
from .workflow import publishing, record_version

User = get_user_model()


@receiver(post_save, sender=System, dispatch_uid="accounts-system-saved")
def _system_saved(sender, instance: System, created: bool, raw: bool = False, **kwargs):
    if raw or publishing.get():
        return
    record_version(instance, note="written outside the review workflow (seed or admin)")
    audit.record(None, "system.create" if created else "system.change", "system", instance.pk, version=instance.version)


@receiver(post_save, sender=User, dispatch_uid="accounts-user-saved")
def _user_saved(sender, instance, created: bool, raw: bool = False, update_fields=None, **kwargs):
    if raw or (update_fields is not None and set(update_fields) <= {"last_login"}):
        return
    audit.record(None, "account.create" if created else "account.change", "user", instance.get_username(),
                 is_active=instance.is_active, is_staff=instance.is_staff, is_superuser=instance.is_superuser)


@receiver(post_delete, sender=User, dispatch_uid="accounts-user-deleted")
def _user_deleted(sender, instance, **kwargs):
    audit.record(None, "account.delete", "user", instance.get_username())


@receiver(post_save, sender=Profile, dispatch_uid="accounts-profile-saved")
def _profile_saved(sender, instance: Profile, raw: bool = False, **kwargs):
    if not raw:
        audit.record(None, "account.role", "user", instance.user.get_username(), role=instance.role,
                     jurisdictions=list(instance.jurisdictions or []))


@receiver(post_save, sender=ApiToken, dispatch_uid="accounts-token-saved")
def _token_saved(sender, instance: ApiToken, created: bool, raw: bool = False, **kwargs):
    if not raw:
        audit.record(None, "token.create" if created else "token.change", "token", instance.prefix,
                     user=instance.user.get_username(), scopes=instance.scopes, revoked=instance.revoked)


@receiver(post_save, sender=LogEntry, dispatch_uid="accounts-admin-logentry")
def _admin_action(sender, instance: LogEntry, created: bool, raw: bool = False, **kwargs):
    if raw or not created:
        return
    kind = {1: "add", 2: "change", 3: "delete"}.get(instance.action_flag, "other")
    audit.record(instance.user, f"admin.{kind}", instance.content_type.model if instance.content_type else "object",
                 instance.object_id or "", repr=instance.object_repr, message=instance.get_change_message())


@receiver(user_logged_in, dispatch_uid="accounts-logged-in")
def _logged_in(sender, request, user, **kwargs):
    throttle.clear(user.get_username())
    audit.record(user, "account.login", "user", user.get_username(), request=request)


@receiver(user_login_failed, dispatch_uid="accounts-login-failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    throttle.fail(username, audit.client_address(request))
    audit.record(None, "account.login_failed", "user", username, request=request)
