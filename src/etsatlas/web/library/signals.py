"""Keep each resource's search text current when it, its credits, authors or tags change."""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from django.db.models.signals import post_delete, post_migrate, post_save
from django.dispatch import receiver

from .models import Authorship, Credit, Organisation, Person, Resource, ResourceTag
from .search.documents import reindex

_paused: ContextVar[bool] = ContextVar("library_reindex_paused", default=False)


@contextmanager
def reindex_paused():
    """Bulk writers (the seeder) reindex once at the end instead of after every row."""
    token = _paused.set(True)
    try:
        yield
    finally:
        _paused.reset(token)


def _reindex(resource_ids) -> None:
    if _paused.get():
        return
    for resource in Resource.objects.filter(id__in=list(resource_ids)).prefetch_related("tags", "authors", "organisations"):
        reindex(resource)


@receiver(post_save, sender=Resource)
def _resource_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _reindex([instance.pk])


@receiver([post_save, post_delete], sender=Authorship)
@receiver([post_save, post_delete], sender=Credit)
@receiver([post_save, post_delete], sender=ResourceTag)
def _relation_changed(sender, instance, raw=False, **kwargs):
    # Paused: checked before the query, which would otherwise run once per deleted tag or credit.
    if not raw and not _paused.get() and Resource.objects.filter(pk=instance.resource_id).exists():
        _reindex([instance.resource_id])


@receiver(post_save, sender=Person)
@receiver(post_save, sender=Organisation)
def _name_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        _reindex(instance.resources.values_list("id", flat=True))


def ensure_sqlite_index(sender, using="default", **kwargs):
    """SQLite drops a table's triggers when a migration rebuilds it: put them back after migrate."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor != "sqlite" or "library_resource" not in connection.introspection.table_names():
        return
    from .search import sqlite

    with connection.cursor() as cursor:
        sqlite.install(cursor)


def connect(app_config) -> None:
    post_migrate.connect(ensure_sqlite_index, sender=app_config, dispatch_uid="library_sqlite_fts")
