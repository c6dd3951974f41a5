"""Faults: a restore or a factsheet import interrupted halfway leaves the previous state intact."""

from __future__ import annotations

import json

import pytest
from django.db import DatabaseError, connection

from etsatlas.web.accounts.backup import create_backup, restore_backup, sha256
from etsatlas.web.accounts.testing import make_user
from etsatlas.web.atlas.models import System
from etsatlas.web.atlas.seeding import seed_systems


def test_a_restore_failing_halfway_leaves_the_installation_empty(transactional_db, factsheets, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    seed_systems([s for s in factsheets if s.id in {"eu-ets", "uk-ets", "ch-ets"}])
    make_user("eve", "editor", ["eu-ets"], password=None)
    create_backup(tmp_path / "backup")
    # A row that cannot be stored, late in the file, with the manifest made to match.
    db_json = tmp_path / "backup" / "db.json"
    rows = json.loads(db_json.read_text())
    last_system = max(i for i, r in enumerate(rows) if r["model"] == "atlas.system")
    rows.insert(last_system + 1, {**rows[last_system], "fields": {**rows[last_system]["fields"], "version": -5}})
    db_json.write_text(json.dumps(rows))
    manifest_file = tmp_path / "backup" / "manifest.json"
    manifest = json.loads(manifest_file.read_text())
    manifest["files"]["db.json"] = {"sha256": sha256(db_json), "size": db_json.stat().st_size}
    manifest_file.write_text(json.dumps(manifest))
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)
    with pytest.raises(DatabaseError):  # the CHECK on the version column refuses the row
        restore_backup(tmp_path / "backup")
    connection.close()  # PostgreSQL: leave the failed transaction behind
    assert not System.objects.exists()
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.exists()


def test_a_factsheet_import_failing_halfway_changes_nothing(db, factsheets, monkeypatch):
    sheets = [s for s in factsheets if s.id in {"eu-ets", "uk-ets", "ch-ets"}]
    seed_systems(sheets[:1])
    before = {s.pk: (s.version, s.content_hash) for s in System.objects.all()}
    saved = []
    original = System.save

    def fail_on_the_second(self, *args, **kwargs):
        saved.append(self.pk)
        if len(saved) == 2:
            raise RuntimeError("disk full")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(System, "save", fail_on_the_second)
    changed = [s.model_copy(update={"summary": "changed"}) for s in sheets]
    with pytest.raises(RuntimeError):
        seed_systems(changed)
    monkeypatch.undo()
    assert {s.pk: (s.version, s.content_hash) for s in System.objects.all()} == before
