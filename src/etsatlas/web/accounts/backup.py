"""Consistent snapshots of an installation (database + uploaded files) and their restore.

A backup is a directory: `db.json` (every row, Django's portable serialisation), `media/`
(uploaded files) and `manifest.json` (format, versions, applied migrations, row counts and
the sha256 of every file). Restore verifies the checksums first and only loads into an
empty installation, in one transaction.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from etsatlas import __version__

FORMAT = "etsatlas-backup/1"
# Rebuilt by `migrate` itself; rows elsewhere refer to them by natural key.
EXCLUDED = ["contenttypes.ContentType", "auth.Permission"]


class BackupError(Exception):
    """The backup cannot be written or restored; the message says why and what to do."""


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _models():
    return [m for m in apps.get_models() if m._meta.label not in EXCLUDED and not m._meta.proxy and m._meta.managed]


def _applied_migrations() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def _dump(target: Path) -> dict[str, int]:
    """Every row and the row counts, read in one transaction (one snapshot on PostgreSQL)."""
    outer = connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and not outer:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        counts = {m._meta.label: m._default_manager.count() for m in _models()}
        call_command("dumpdata", exclude=EXCLUDED, natural_foreign=True, output=str(target), verbosity=0)
    return {label: n for label, n in counts.items() if n}


def create_backup(path: Path, progress: Callable[[str], None] | None = None) -> dict:
    """Write a backup directory at `path` (which must not exist or be empty); returns the manifest."""
    path = Path(path)
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise BackupError(f"{path} already exists and is not an empty directory; choose a new path")
    path.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{path.name}.partial-", dir=path.parent))
    try:
        counts = _dump(work / "db.json")
        files = {"db.json": {"sha256": sha256(work / "db.json"), "size": (work / "db.json").stat().st_size}}
        if progress:
            progress("database")
        media = Path(settings.MEDIA_ROOT)
        if media.is_dir():
            for source in sorted(p for p in media.rglob("*") if p.is_file()):
                rel = "media/" + source.relative_to(media).as_posix()
                (work / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, work / rel)
                files[rel] = {"sha256": sha256(work / rel), "size": (work / rel).stat().st_size}
                if progress:
                    progress(rel)
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "etsatlas_version": __version__,
            "database": connection.vendor,
            "migrations": _applied_migrations(),
            "counts": counts,
            "files": files,
        }
        (work / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
        if path.exists():
            path.rmdir()
        work.rename(path)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return manifest


def read_manifest(path: Path) -> dict:
    """The manifest, after checking every listed file against its checksum."""
    path = Path(path)
    manifest_file = path / "manifest.json"
    if not manifest_file.is_file():
        raise BackupError(f"{path} is not a backup: manifest.json is missing")
    try:
        manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise BackupError(f"{manifest_file} is not valid JSON: {exc}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{manifest_file}: unknown format {manifest.get('format')!r} (expected {FORMAT})")
    for rel, meta in manifest["files"].items():
        if rel.startswith("/") or ".." in Path(rel).parts:
            raise BackupError(f"{manifest_file}: refusing the path {rel!r} (outside the backup)")
        file = path / rel
        if not file.is_file():
            raise BackupError(f"{file} is listed in the manifest but missing")
        if file.stat().st_size != meta["size"] or sha256(file) != meta["sha256"]:
            raise BackupError(f"{file} does not match its checksum in the manifest (corrupted or edited)")
    return manifest


def _check_migrations(manifest: dict) -> None:
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = [f"{app}.{name}" for app, names in manifest["migrations"].items() for name in names
               if (app, name) not in known]
    if unknown:
        raise BackupError(
            f"the backup was made by a newer version (unknown migrations: {', '.join(unknown[:5])}); upgrade first"
        )


def _check_empty() -> None:
    filled = [f"{m._meta.label} ({n} rows)" for m in _models() if (n := m._default_manager.count())]
    if filled:
        raise BackupError(
            "restore needs an empty installation, but the database holds data: " + ", ".join(filled[:6])
            + "; use a new database (DATABASE_URL) or remove the old one"
        )


def restore_backup(path: Path, progress: Callable[[str], None] | None = None) -> dict:
    """Restore a backup into an empty installation; returns the manifest."""
    path = Path(path)
    manifest = read_manifest(path)
    _check_migrations(manifest)
    call_command("migrate", interactive=False, verbosity=0)
    _check_empty()
    media = Path(settings.MEDIA_ROOT)
    clashes = [rel for rel in manifest["files"] if rel.startswith("media/") and (media / rel[6:]).exists()]
    if clashes:
        raise BackupError(f"uploaded files already exist in {media}: {', '.join(clashes[:5])}")
    with transaction.atomic():
        call_command("loaddata", str(path / "db.json"), verbosity=0)
        counts = {m._meta.label: m._default_manager.count() for m in _models()}
        missing = {k: (v, counts.get(k, 0)) for k, v in manifest["counts"].items() if counts.get(k, 0) != v}
        if missing:
            raise BackupError(f"row counts differ after loading (expected, found): {missing}")
    if progress:
        progress("database")
    for rel in manifest["files"]:
        if rel.startswith("media/"):
            target = media / rel[6:]
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path / rel, target)
            if progress:
                progress(rel)
    return manifest
