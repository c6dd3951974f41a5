"""Whole-response caching keyed by the published data version.

Pages and API answers depend only on the published factsheets and the request, so a key of
(data ETag, full path) can never serve stale content: a publication changes the ETag. Only
anonymous GETs are cached; signed-in users see account-specific navigation.
"""

from __future__ import annotations

import functools
import hashlib
import time

from django.apps import apps
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse

from ..pagecache import SHARED_HEADER
from .store import snapshot

TIMEOUT = 600
KEPT_HEADERS = {"Content-Disposition", "ETag", "Last-Modified", "Cache-Control"}

# Other data shown on atlas pages (recent and related resources, price charts, members):
# (model, field whose maximum moves on every change). A change to any of them, like a
# publication, changes the key.
SHOWN_ELSEWHERE = [
    ("library.Resource", "updated_at"),
    ("prices.PriceImport", "imported_at"),
    ("partnership.StatusChange", "recorded_at"),
]


def _stamp_sql() -> str:
    parts = []
    for label, field in SHOWN_ELSEWHERE:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        table = connection.ops.quote_name(model._meta.db_table)
        column = connection.ops.quote_name(model._meta.get_field(field).column)
        parts += [f"(SELECT COUNT(*) FROM {table})", f"(SELECT CAST(MAX({column}) AS TEXT) FROM {table})"]
    return "SELECT " + ", ".join(parts) if parts else ""


def data_stamp() -> str:
    """Version of everything an atlas page shows: two plain queries."""
    parts = [snapshot().etag]
    sql = _stamp_sql()
    if sql:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            parts += [str(v) for v in cursor.fetchone()]
    return "|".join(parts)


def request_stamp(request) -> str:
    """`data_stamp()` read once per request: the key and the shared mark agree on it."""
    stamp = getattr(request, "_etsatlas_stamp", None)
    if stamp is None:
        stamp = request._etsatlas_stamp = data_stamp()
    return stamp


def share(request, response):
    """Mark an anonymous answer as servable to everyone from the page cache in front of Django.

    The mark names the data version the answer was built from (see etsatlas.web.pagecache);
    answers to signed-in users are never marked.
    """
    if request.method == "GET" and not request.user.is_authenticated:
        response[SHARED_HEADER] = hashlib.sha1(request_stamp(request).encode()).hexdigest()[:20]
    return response


def _key(request) -> str:
    digest = hashlib.sha1(f"{request_stamp(request)} {request.get_full_path()}".encode()).hexdigest()
    return f"etsatlas:page:{digest}"


def _wait_for_other_render(key: str, patience: float = 5.0):
    """On a miss, let one request render while the others wait for its result.

    Without this, every worker thread that misses at once (after a publication, or at start)
    renders the same page and the machine stalls. None means: render it yourself.
    """
    if cache.add(key + ":rendering", 1, timeout=int(patience) + 1):
        return None
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline:
        time.sleep(0.02)
        hit = cache.get(key)
        if hit is not None:
            return hit
    return None


def cached_response(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        cacheable = request.method == "GET" and not request.user.is_authenticated
        if not cacheable:
            return view(request, *args, **kwargs)
        key = _key(request)
        hit = cache.get(key) or _wait_for_other_render(key)
        if hit is not None:
            status, content_type, content, headers = hit
            response = HttpResponse(content, status=status, content_type=content_type)
            for name, value in headers:
                response[name] = value
            return share(request, response)
        try:
            response = view(request, *args, **kwargs)
            if response.status_code in (200, 400, 404) and not getattr(response, "streaming", False):
                if hasattr(response, "render") and not response.is_rendered:
                    response.render()
                kept = [(n, v) for n, v in response.items() if n in KEPT_HEADERS]
                cache.set(key, (response.status_code, response["Content-Type"], response.content, kept), TIMEOUT)
        finally:
            cache.delete(key + ":rendering")  # after the set: waiters find the result, not a gap
        return share(request, response) if response.status_code == 200 else response

    return wrapper


def cached_body(request, build) -> str | bytes:
    """The body built by `build()` for this request and data version, computed once."""
    return cache.get_or_set(_key(request) + ":body", build, TIMEOUT)
