"""Settings from the environment; production refuses unsafe values and names the key."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

GOOD_SECRET = "x" * 50


def _load_settings(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "ETSATLAS_ENV", "DATABASE_URL"}}
    clean.update(env)
    code = "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='etsatlas.web.settings'; django.setup(); " \
           "from django.conf import settings; print(settings.DEBUG, settings.DATABASES['default']['ENGINE'])"
    return subprocess.run([sys.executable, "-c", code], env=clean, capture_output=True, text=True, timeout=60)


def test_development_defaults_are_safe_and_local():
    result = _load_settings()
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "django.db.backends.sqlite3"]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ETSATLAS_ENV": "production"}, "SECRET_KEY"),
        ({"ETSATLAS_ENV": "production", "SECRET_KEY": "etsatlas-development-secret-key-not-for-production"}, "SECRET_KEY"),
        ({"ETSATLAS_ENV": "production", "SECRET_KEY": GOOD_SECRET, "DEBUG": "1"}, "DEBUG"),
        ({"ETSATLAS_ENV": "staging"}, "ETSATLAS_ENV"),
        ({"DEBUG": "perhaps"}, "DEBUG"),
        ({"DATABASE_URL": "nosuchdb://x"}, "DATABASE_URL"),
    ],
)
def test_bad_settings_stop_start_up_naming_the_key(env, message):
    result = _load_settings(**env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_with_a_real_secret_starts_without_debug():
    result = _load_settings(ETSATLAS_ENV="production", SECRET_KEY=GOOD_SECRET,
                            DATABASE_URL="postgres://postgres@127.0.0.1:5432/etsatlas")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "django.db.backends.postgresql"]
