"""`etsatlas users create` and `etsatlas tokens create`."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from etsatlas.cli.main import app
from etsatlas.web.accounts.models import ApiToken, AuditEntry
from etsatlas.web.accounts.testing import PASSWORD, bearer
from etsatlas.web.atlas.seeding import seed_systems


@pytest.fixture
def systems(transactional_db, factsheets):
    seed_systems([s for s in factsheets if s.id in {"eu-ets", "uk-ets"}])


def run(*args, stdin=None):
    return CliRunner().invoke(app, list(args), input=stdin)


def test_users_create_makes_an_editor_for_given_systems(systems):
    result = run("users", "create", "eve", "--role", "editor", "--jurisdiction", "eu-ets", "--password-stdin", "--json",
                 stdin=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"username": "eve", "role": "editor", "jurisdictions": ["eu-ets"]}
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="eve")
    assert user.check_password(PASSWORD) and user.profile.jurisdictions == ["eu-ets"] and not user.is_staff
    assert AuditEntry.objects.filter(action="account.create", target_id="eve").exists()


def test_users_create_refuses_weak_passwords_and_unknown_systems(systems):
    weak = run("users", "create", "eve", "--role", "editor", "--password-stdin", stdin="12345\n")
    assert weak.exit_code == 1 and "password refused" in weak.stderr
    unknown = run("users", "create", "eve", "--role", "editor", "--jurisdiction", "atlantis", "--password-stdin",
                  stdin=PASSWORD + "\n")
    assert unknown.exit_code == 1 and "atlantis" in unknown.stderr
    role = run("users", "create", "eve", "--role", "king", "--password-stdin", stdin=PASSWORD + "\n")
    assert role.exit_code == 1 and "editor, reviewer, admin" in role.stderr


def test_tokens_create_prints_a_working_token_once(systems, client):
    run("users", "create", "eve", "--role", "editor", "--jurisdiction", "eu-ets", "--password-stdin", stdin=PASSWORD + "\n")
    result = run("tokens", "create", "eve")
    assert result.exit_code == 0, result.output
    raw = result.stdout.strip()
    assert ApiToken.objects.get().scopes == ["drafts:write", "resources:write"]
    response = client.patch("/api/v1/systems/eu-ets", json.dumps({"changes": {"phase": "P"}}),
                            content_type="application/json", **bearer(raw))
    assert response.status_code == 201


def test_tokens_create_refuses_scopes_beyond_the_role(systems):
    run("users", "create", "eve", "--role", "editor", "--password-stdin", stdin=PASSWORD + "\n")
    result = run("tokens", "create", "eve", "--scopes", "drafts:review")
    assert result.exit_code == 1 and "may not hold" in result.stderr
    assert run("tokens", "create", "eve", "--scopes", "root").exit_code == 1


def test_a_revoked_token_stops_working(systems, client):
    run("users", "create", "eve", "--role", "editor", "--jurisdiction", "eu-ets", "--password-stdin", stdin=PASSWORD + "\n")
    raw = run("tokens", "create", "eve").stdout.strip()
    listed = json.loads(run("tokens", "list", "eve", "--json").stdout)
    assert [t["prefix"] for t in listed] == [raw[:12]] and raw not in json.dumps(listed)
    assert run("tokens", "revoke", raw[:12]).exit_code == 0
    response = client.patch("/api/v1/systems/eu-ets", json.dumps({"changes": {"phase": "P"}}),
                            content_type="application/json", **bearer(raw))
    assert response.status_code == 401
    assert AuditEntry.objects.filter(action="token.change", target_id=raw[:12]).exists()


def test_profile_jurisdictions_must_name_existing_systems(systems):
    from django.core.exceptions import ValidationError

    from etsatlas.web.accounts.models import Profile
    from etsatlas.web.accounts.testing import make_user

    profile = Profile(user=make_user("eve", None, password=None), role="editor", jurisdictions=["eu-ets", "atlantis"])
    with pytest.raises(ValidationError, match="atlantis"):
        profile.full_clean()
