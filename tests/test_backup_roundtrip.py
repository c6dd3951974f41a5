"""Backup and restore: a round trip preserves every row and uploaded file; bad input is refused.

Runs on SQLite and PostgreSQL alike (DATABASE_URL), like every test.
"""

from __future__ import annotations

import json

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management import call_command
from django.db import connection
from typer.testing import CliRunner

from etsatlas.cli.main import app
from etsatlas.web.accounts import workflow
from etsatlas.web.accounts.backup import BackupError, _models, create_backup, read_manifest, restore_backup
from etsatlas.web.accounts.models import ApiToken, AuditEntry, FactsheetVersion
from etsatlas.web.accounts.testing import make_token, make_user
from etsatlas.web.atlas.models import System
from etsatlas.web.atlas.seeding import seed_systems


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "library").mkdir(parents=True)
    (settings.MEDIA_ROOT / "library" / "report é.pdf").write_bytes(b"%PDF-1.4 " + bytes(range(256)) * 40)
    return settings.MEDIA_ROOT


@pytest.fixture
def installation(transactional_db, factsheets, media, client):
    """Systems with history, accounts, a token, drafts, a published change, an admin action, a session."""
    seed_systems([s for s in factsheets if s.id in {"eu-ets", "uk-ets", "ch-ets"}])
    editor = make_user("eve", "editor", ["eu-ets"])
    reviewer = make_user("rita", "reviewer", password=None)
    make_token(editor)
    data = {**System.objects.get(pk="eu-ets").data, "phase": "Phase 5"}
    draft = workflow.save_draft(editor, "eu-ets", data, note="é ünïcode ✓")
    workflow.submit(editor, draft)
    workflow.approve(reviewer, draft)
    LogEntry.objects.create(user=reviewer, content_type=ContentType.objects.get_for_model(System), object_id="eu-ets",
                            object_repr="eu-ets", action_flag=ADDITION)
    client.force_login(editor)
    return media


def dump_rows() -> list:
    """Every row as Python values (timestamps to the microsecond), natural keys for content types."""
    rows = []
    for model in _models():
        rows += serializers.serialize("python", model._default_manager.all(), use_natural_foreign_keys=True)
    return sorted(rows, key=lambda r: (r["model"], str(r["pk"])))


def wipe(media) -> None:
    call_command("flush", interactive=False, verbosity=0)
    for path in sorted(media.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()


def test_round_trip_preserves_every_row_and_file(installation, tmp_path):
    before, pdf = dump_rows(), (installation / "library" / "report é.pdf").read_bytes()
    assert any(r["fields"].get("published_at") and r["fields"]["published_at"].microsecond for r in before)
    manifest = create_backup(tmp_path / "backup")
    assert manifest["database"] == connection.vendor
    assert manifest["counts"]["accounts.FactsheetVersion"] == 4 and "media/library/report é.pdf" in manifest["files"]
    wipe(installation)
    assert not System.objects.exists()
    restore_backup(tmp_path / "backup")
    assert dump_rows() == before
    assert (installation / "library" / "report é.pdf").read_bytes() == pdf
    # The restored installation works: the history is intact and the token still authenticates.
    assert workflow.history_check(System.objects.get(pk="eu-ets"))
    assert FactsheetVersion.objects.filter(system_id="eu-ets").count() == 2
    assert ApiToken.objects.count() == 1


def test_restore_refuses_a_corrupted_backup(installation, tmp_path):
    create_backup(tmp_path / "backup")
    db_json = tmp_path / "backup" / "db.json"
    db_json.write_text(db_json.read_text().replace("Phase 5", "Phase 6"))
    with pytest.raises(BackupError, match="db.json does not match its checksum"):
        read_manifest(tmp_path / "backup")


def test_restore_refuses_a_non_empty_installation(installation, tmp_path):
    create_backup(tmp_path / "backup")
    with pytest.raises(BackupError, match="empty installation"):
        restore_backup(tmp_path / "backup")
    assert AuditEntry.objects.filter(action="system.publish").count() == 1  # nothing loaded twice


def test_backup_refuses_to_overwrite(installation, tmp_path):
    (tmp_path / "backup").mkdir()
    (tmp_path / "backup" / "keep.txt").write_text("mine")
    with pytest.raises(BackupError, match="not an empty directory"):
        create_backup(tmp_path / "backup")
    assert [p.name for p in (tmp_path / "backup").iterdir()] == ["keep.txt"]


def test_restore_refuses_paths_outside_the_backup(installation, tmp_path):
    create_backup(tmp_path / "backup")
    manifest_file = tmp_path / "backup" / "manifest.json"
    manifest = json.loads(manifest_file.read_text())
    manifest["files"]["media/../../evil"] = {"sha256": "0", "size": 0}
    manifest_file.write_text(json.dumps(manifest))
    with pytest.raises(BackupError, match="outside the backup"):
        read_manifest(tmp_path / "backup")


def test_cli_backup_and_restore_round_trip(installation, tmp_path):
    before = dump_rows()
    runner = CliRunner()
    result = runner.invoke(app, ["backup", str(tmp_path / "cli-backup"), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["rows"] > 0
    wipe(installation)
    result = runner.invoke(app, ["restore", str(tmp_path / "cli-backup")])
    assert result.exit_code == 0, result.output
    assert dump_rows() == before
    again = runner.invoke(app, ["restore", str(tmp_path / "cli-backup")])
    assert again.exit_code == 1 and "empty installation" in again.stderr


def test_migrations_run_backward_and_forward(transactional_db):
    tables = set(connection.introspection.table_names())
    assert {"accounts_factsheetdraft", "atlas_system"} <= tables
    call_command("migrate", "atlas", "zero", verbosity=0)  # also unapplies accounts, which depends on it
    call_command("migrate", "accounts", "zero", verbosity=0)
    remaining = set(connection.introspection.table_names())
    assert not {t for t in remaining if t.startswith(("accounts_", "atlas_"))}
    call_command("migrate", verbosity=0)
    assert set(connection.introspection.table_names()) == tables
