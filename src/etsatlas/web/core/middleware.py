"""Security headers that Django does not set by itself, and the limits of the API.

`SecurityHeadersMiddleware` (listed in MIDDLEWARE) wraps `ApiLimitsMiddleware`, so every
answer, including a refused one, carries the headers.
"""

import contextvars
import ipaddress
import time

from django.conf import settings
from django.core.cache import cache

from ..pagecache import RATE_COUNTED
from .errors import error_response

# No inline scripts anywhere: every script is a static file, so 'self' is enough.
DEFAULT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

# The request being served: lets the audit log name the actor and address of signal-driven changes.
current_request: contextvars.ContextVar = contextvars.ContextVar("etsatlas_request", default=None)


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, "ETSATLAS", {}).get(name, default))


def client_address(request) -> str | None:
    """The client's address: REMOTE_ADDR, or behind N trusted proxies the Nth address from the
    right of X-Forwarded-For (ETSATLAS["TRUSTED_PROXIES"]), so limits apply per client, not per proxy."""
    if request is None:
        return None
    return address_from_meta(request.META)


def address_from_meta(meta: dict) -> str | None:
    """`client_address` from a request's META or a bare WSGI environ."""
    hops = _limit("TRUSTED_PROXIES", 0)
    forwarded = [a.strip() for a in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    if hops > 0 and len(forwarded) >= hops and _is_address(forwarded[-hops]):
        return forwarded[-hops]
    return meta.get("REMOTE_ADDR") or None


def over_anonymous_api_rate(meta: dict) -> bool:
    """Count one anonymous API request from this address; True once it is over the limit.

    The counter lives in the Django cache: shared by all workers when the cache is Redis
    (REDIS_URL in production), per process otherwise. Used by `ApiLimitsMiddleware` and by the
    page cache in front of Django, so answers from memory count too; a request the page cache
    counted and let through is marked in its environ and not counted twice.
    """
    rate = _limit("API_ANON_RATE_PER_MINUTE", 0)  # off unless configured (production sets it)
    if rate <= 0 or "HTTP_AUTHORIZATION" in meta or meta.get(RATE_COUNTED) is True:
        return False
    window = int(time.time() // 60)
    key = f"etsatlas:anon-rate:{address_from_meta(meta)}:{window}"
    cache.add(key, 0, timeout=90)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=90)
        count = 1
    return count > rate


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


class ApiLimitsMiddleware:
    """Body size cap on API writes (413) and a per-address rate limit for anonymous API clients (429)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            refused = self.refuse(request) if request.path.startswith("/api/") else None
            return refused or self.get_response(request)
        finally:
            current_request.reset(token)

    def refuse(self, request):
        max_body = _limit("API_MAX_BODY_BYTES", 1024 * 1024)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > max_body:
            return error_response(413, "body_too_large", f"request body of {length} bytes exceeds the limit of {max_body} bytes")
        if over_anonymous_api_rate(request.META):
            rate = _limit("API_ANON_RATE_PER_MINUTE", 0)
            response = error_response(
                429, "rate_limited", f"anonymous clients may make {rate} API requests per minute; "
                "wait, or authenticate with a token"
            )
            response["Retry-After"] = str(60 - int(time.time()) % 60)
            return response
        return None


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = ApiLimitsMiddleware(get_response)
        self.csp = getattr(settings, "CONTENT_SECURITY_POLICY", DEFAULT_CSP)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.csp)
        response.headers.setdefault("Permissions-Policy", "geolocation=(), camera=(), microphone=()")
        return response
