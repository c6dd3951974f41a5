"""Sign-in protection, CSRF, security headers and the deployment checks."""

from __future__ import annotations

import datetime as dt
import os
import secrets
import subprocess
import sys

import pytest
from django.core import checks
from django.test import Client

from etsatlas.web.accounts.models import AuditEntry, LoginFailure
from etsatlas.web.accounts.testing import PASSWORD, make_user


@pytest.fixture
def eve(db):
    return make_user("eve", "editor", ["eu-ets"])


def login(client, username, password, path="/accounts/login/", address="10.0.0.1"):
    return client.post(path, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_passwords_are_hashed_with_argon2(eve):
    assert eve.password.startswith("argon2")


def test_sign_in_works_and_is_audited(client, eve):
    response = login(client, "eve", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/accounts/"
    entry = AuditEntry.objects.get(action="account.login")
    assert (entry.actor, entry.address) == (eve, "10.0.0.1")


def test_repeated_failures_lock_the_account_with_429(client, eve):
    for _ in range(5):
        assert login(client, "eve", "wrong password").status_code == 200
    locked = login(client, "eve", PASSWORD, address="10.9.9.9")  # even right, even elsewhere
    assert locked.status_code == 429 and int(locked["Retry-After"]) > 800
    assert b"Too many sign-in attempts" in locked.content
    assert AuditEntry.objects.filter(action="account.login_failed").count() == 5


def test_lockout_ends_after_the_window(client, eve):
    for _ in range(5):
        login(client, "eve", "wrong password")
    LoginFailure.objects.update(at=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    assert login(client, "eve", PASSWORD).status_code == 302
    assert not LoginFailure.objects.filter(username="eve").exists()  # success forgets the failures


def test_repeated_failures_from_one_address_lock_that_address(client, eve, settings):
    settings.ETSATLAS = {**settings.ETSATLAS, "LOGIN_ADDRESS_LIMIT": 3}
    for name in ("a", "b", "c"):
        login(client, name, "guess", address="10.6.6.6")
    assert login(client, "eve", PASSWORD, address="10.6.6.6").status_code == 429
    assert login(client, "eve", PASSWORD, address="10.0.0.2").status_code == 302


def test_admin_sign_in_is_throttled_too(client, eve):
    for _ in range(5):
        login(client, "eve", "wrong", path="/admin/login/")
    assert login(client, "eve", PASSWORD, path="/admin/login/").status_code == 429


@pytest.mark.parametrize("path", ["/accounts/systems/eu-ets/edit/", "/accounts/drafts/1/submit/", "/accounts/login/"])
def test_forms_refuse_posts_without_a_csrf_token(db, eve, path):
    client = Client(enforce_csrf_checks=True)
    client.force_login(eve)
    assert client.post(path, {"note": "x"}).status_code == 403


def test_forms_carry_a_csrf_token(client, eve):
    assert b"csrfmiddlewaretoken" in client.get("/accounts/login/").content


def test_pages_carry_the_security_headers(client, db):
    response = client.get("/accounts/login/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"].split("script-src")[1].split(";")[0]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_project_check_flags_inline_scripts_in_the_csp(settings):
    settings.CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self' 'unsafe-inline'"
    ids = [m.id for m in checks.run_checks(include_deployment_checks=True, tags=["security"])]
    assert "etsatlas.W001" in ids


def production_env(tmp_path, **extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_SETTINGS_MODULE", "ETSATLAS_SSL_REDIRECT"}}
    env.update(ETSATLAS_ENV="production", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="atlas.example.org",
               ETSATLAS_HOME=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", **extra)
    return env


def etsatlas(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "etsatlas.cli.main", *args], env=env, capture_output=True,
                          text=True, timeout=120)


def test_check_deploy_passes_without_warnings_in_production(tmp_path):
    result = etsatlas("check", "--deploy", "--json", env=production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert '"problems": []' in result.stdout


def test_check_deploy_fails_when_production_drops_https(tmp_path):
    result = etsatlas("check", "--deploy", "--json", env=production_env(tmp_path, ETSATLAS_HTTPS="0"))
    assert result.returncode == 1
    for check_id in ("security.W004", "security.W012", "security.W016"):  # HSTS, session and CSRF cookies
        assert check_id in result.stdout
