"""Account and data-safety commands: users, API tokens, backup and restore."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from .common import JSON_OPTION, fail, print_json, setup_django

users_app = typer.Typer(help="Manage editor, reviewer and administrator accounts.", no_args_is_help=True)
tokens_app = typer.Typer(help="Issue API tokens (shown once; only a hash is stored).", no_args_is_help=True)

ROLES = ["editor", "reviewer", "admin"]


@users_app.command("create")
def create_user(
    username: str = typer.Argument(..., help="Login name."),
    role: str = typer.Option(..., "--role", help="editor, reviewer or admin."),
    jurisdiction: list[str] = typer.Option(
        [], "--jurisdiction", help="System id an editor may propose changes to (repeatable), e.g. eu-ets."
    ),
    email: str = typer.Option("", "--email", help="E-mail address."),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from the first line of standard input."
    ),
    json_output: bool = JSON_OPTION,
) -> None:
    """Create an account with a role (and, for editors, the systems they look after)."""
    if role not in ROLES:
        raise fail(f"--role must be one of {', '.join(ROLES)}, not {role!r}")
    if not password_stdin:
        raise fail("pass --password-stdin and the password on standard input (it never goes on the command line)")
    password = sys.stdin.readline().rstrip("\r\n")
    setup_django()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from etsatlas.web.accounts.models import Profile
    from etsatlas.web.atlas.models import System

    User = get_user_model()
    if User.objects.filter(username=username).exists():
        raise fail(f"user {username!r} already exists")
    unknown = sorted(set(jurisdiction) - set(System.objects.filter(pk__in=jurisdiction).values_list("pk", flat=True)))
    if unknown:
        raise fail(f"unknown system id(s): {', '.join(unknown)} (see `etsatlas systems list`; run `etsatlas seed` first)")
    try:
        validate_password(password, User(username=username, email=email))
    except ValidationError as exc:
        raise fail("password refused: " + " ".join(exc.messages)) from exc
    with transaction.atomic():
        user = User.objects.create_user(
            username, email=email, password=password, is_staff=role == "admin", is_superuser=role == "admin"
        )
        Profile.objects.create(user=user, role=role, jurisdictions=sorted(set(jurisdiction)))
    result = {"username": username, "role": role, "jurisdictions": sorted(set(jurisdiction))}
    if json_output:
        print_json(result)
    else:
        typer.echo(f"created {role} {username}" + (f" for {', '.join(result['jurisdictions'])}" if jurisdiction else ""))


@tokens_app.command("create")
def create_token(
    username: str = typer.Argument(..., help="Owner of the token."),
    scopes: list[str] = typer.Option(
        [], "--scopes", help="drafts:write and/or drafts:review (repeatable; default: what the role allows)."
    ),
    name: str = typer.Option("", "--name", help="A label to recognise the token by."),
    json_output: bool = JSON_OPTION,
) -> None:
    """Issue an API token and print it; it cannot be shown again."""
    setup_django()
    from django.contrib.auth import get_user_model

    from etsatlas.web.accounts import permissions
    from etsatlas.web.accounts.models import ApiToken, Scope

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise fail(f"no user {username!r} (create it with `etsatlas users create`)")
    requested = [s for item in scopes for s in item.replace(",", " ").split()]
    allowed = {Scope.DRAFTS_WRITE.value} | ({Scope.DRAFTS_REVIEW.value} if permissions.can_review(user) else set())
    if permissions.role_of(user) is None:
        raise fail(f"{username!r} has no role; tokens are for editors, reviewers and administrators")
    bad = sorted(set(requested) - set(Scope.values))
    if bad:
        raise fail(f"unknown scope(s): {', '.join(bad)} (known: {', '.join(Scope.values)})")
    beyond = sorted(set(requested) - allowed)
    if beyond:
        raise fail(f"{username!r} ({permissions.role_of(user)}) may not hold scope(s): {', '.join(beyond)}")
    token, raw = ApiToken.objects.issue(user, requested or sorted(allowed), name=name)
    if json_output:
        print_json({"username": username, "token": raw, "scopes": token.scopes, "prefix": token.prefix})
    else:
        typer.echo(raw)
        typer.echo(f"scopes: {', '.join(token.scopes)} (store it now: it cannot be shown again)", err=True)


def backup(
    path: Path = typer.Argument(..., help="Directory to create (must not exist or be empty)."),
    json_output: bool = JSON_OPTION,
) -> None:
    """Write a consistent snapshot: database, uploaded files and a manifest with checksums."""
    setup_django()
    from rich.progress import Progress

    from etsatlas.web.accounts.backup import BackupError, create_backup

    with Progress(transient=True, disable=json_output or not sys.stderr.isatty()) as bar:
        task = bar.add_task("Backing up", total=None)
        try:
            manifest = create_backup(path, progress=lambda _item: bar.advance(task))
        except BackupError as exc:
            raise fail(str(exc)) from exc
    summary = {"path": str(path), "rows": sum(manifest["counts"].values()), "files": len(manifest["files"])}
    if json_output:
        print_json(summary | {"counts": manifest["counts"]})
    else:
        typer.echo(f"wrote {path}: {summary['rows']} rows, {summary['files']} files (manifest.json has checksums)")


def restore(
    path: Path = typer.Argument(..., help="A directory written by `etsatlas backup`."),
    json_output: bool = JSON_OPTION,
) -> None:
    """Restore a backup into an empty installation (checksums are verified first)."""
    setup_django()
    from rich.progress import Progress

    from etsatlas.web.accounts.backup import BackupError, restore_backup

    with Progress(transient=True, disable=json_output or not sys.stderr.isatty()) as bar:
        task = bar.add_task("Restoring", total=None)
        try:
            manifest = restore_backup(path, progress=lambda _item: bar.advance(task))
        except BackupError as exc:
            raise fail(str(exc)) from exc
    rows = sum(manifest["counts"].values())
    if json_output:
        print_json({"path": str(path), "rows": rows, "counts": manifest["counts"]})
    else:
        typer.echo(f"restored {rows} rows and {sum(1 for f in manifest['files'] if f.startswith('media/'))} files from {path}")


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")
    app.add_typer(tokens_app, name="tokens")
    app.command()(backup)
    app.command()(restore)
