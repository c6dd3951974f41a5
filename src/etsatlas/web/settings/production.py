"""Production: secrets from the environment; refuses the development secret and DEBUG."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import env_bool, env_list
from .development import DEV_SECRET_KEY

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY or SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 32:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 32 characters in production "
        "(ETSATLAS_ENV=production); the development secret is refused."
    )
DEBUG = env_bool("DEBUG", False)
if DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production (unset DEBUG or set DEBUG=0).")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Behind TLS (set ETSATLAS_HTTPS=1): secure cookies, HSTS, redirect to https.
HTTPS = env_bool("ETSATLAS_HTTPS", True)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
# Plain-http requests are redirected unless the proxy in front says the client used https.
SECURE_SSL_REDIRECT = env_bool("ETSATLAS_SSL_REDIRECT", HTTPS)
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

REDIS_URL = os.environ.get("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}

# API and sign-in limits (see docs/security.md). Anonymous API rate: requests per minute per address.
ETSATLAS = {
    **ETSATLAS,  # noqa: F405
    "API_ANON_RATE_PER_MINUTE": int(os.environ.get("ETSATLAS_API_ANON_RATE", "600")),
    "API_MAX_BODY_BYTES": int(os.environ.get("ETSATLAS_API_MAX_BODY", str(1024 * 1024))),
    # Reverse proxies in front of the server (each appends to X-Forwarded-For); 0 when none.
    "TRUSTED_PROXIES": int(os.environ.get("ETSATLAS_TRUSTED_PROXIES", "0")),
    "LOGIN_ACCOUNT_LIMIT": 5,
    "LOGIN_ADDRESS_LIMIT": 20,
    "LOGIN_LOCKOUT_SECONDS": 900,
    "PAGE_CACHE_SECONDS": float(os.environ.get("ETSATLAS_PAGE_CACHE_SECONDS", "1")),
}
