"""Answer repeated anonymous requests for public pages from memory, in front of Django.

Why: a page already in the shared cache still costs Django its middleware stack, two
data-version queries and a Redis round trip, 1-2 ms of CPU. With 50 visitors at once on a
two-core server that queueing, not the rendering, made the latency (p95 ~170 ms). This WSGI
layer serves such a request in microseconds.

What it serves: only answers Django marked as shared (header `X-Etsatlas-Shared`, set by
`atlas.caching.share` on answers that depend on nothing but the published data and the URL),
only for GET requests without credentials (no cookie but the CSRF one, no Authorization
header) and without conditional headers, for the same scheme, host, path and query.

Freshness: each shared answer names the data version it was built from. An entry is served
while its version is the newest one Django has reported and that report is at most `max_age`
seconds old; after that the next request goes through Django, which reads the version from the
database again. Anonymous visitors therefore see a publication at most `max_age` seconds late
(ETSATLAS_PAGE_CACHE_SECONDS, 1 in production, 0 turns the layer off); signed-in users always
go through Django. Anonymous API calls still count against the per-address rate limit.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

SHARED_HEADER = "X-Etsatlas-Shared"
# Environ key for "counted against the API rate limit" (a client cannot set it: header keys start with HTTP_).
RATE_COUNTED = "etsatlas.api_rate_counted"
_SHARED_LOWER = SHARED_HEADER.lower()
_CONDITIONAL = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_RANGE")


@dataclass(frozen=True)
class Entry:
    version: str
    status: str
    headers: tuple[tuple[str, str], ...]
    body: bytes


class PageCache:
    """WSGI middleware; see the module docstring for what it may serve and for how long."""

    def __init__(self, app: Callable, *, max_age: float, max_bytes: int = 64 * 1024 * 1024,
                 max_body: int = 2 * 1024 * 1024, allowed_cookies: Iterable[str] = ("csrftoken",),
                 over_api_rate: Callable[[dict], bool] | None = None,
                 clock: Callable[[], float] = time.monotonic):
        self.app = app
        self.max_age = max_age
        self.max_bytes = max_bytes  # memory bound per process: least recently used entries go first
        self.max_body = max_body
        self.allowed_cookies = frozenset(allowed_cookies)
        self.over_api_rate = over_api_rate
        self.clock = clock
        self._entries: OrderedDict[tuple, Entry] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self._version: str | None = None
        self._reported_at = float("-inf")  # start time of the request that reported _version

    # -- the request path -------------------------------------------------------------------

    def __call__(self, environ: dict, start_response: Callable):
        if self.max_age <= 0 or not self._anonymous_get(environ):
            return self.app(environ, _without_mark(start_response))
        key = (environ.get("wsgi.url_scheme"), environ.get("HTTP_X_FORWARDED_PROTO"), environ.get("HTTP_HOST"),
               environ.get("PATH_INFO"), environ.get("QUERY_STRING"))
        if self.over_api_rate is not None and environ.get("PATH_INFO", "").startswith("/api/"):
            if self.over_api_rate(environ):
                return self.app(environ, _without_mark(start_response))  # Django refuses it with the documented 429
            environ[RATE_COUNTED] = True  # counted once: Django will not count it again
        started = self.clock()
        entry = self._fresh(key, started)
        if entry is not None:
            start_response(entry.status, list(entry.headers))
            return [entry.body]
        return self._through_django(key, started, environ, start_response)

    def _anonymous_get(self, environ: dict) -> bool:
        if environ.get("REQUEST_METHOD") != "GET" or "HTTP_AUTHORIZATION" in environ:
            return False
        if any(name in environ for name in _CONDITIONAL):
            return False
        cookie = environ.get("HTTP_COOKIE")
        if cookie:
            names = {part.split("=", 1)[0].strip() for part in cookie.split(";") if part.strip()}
            if not names <= self.allowed_cookies:
                return False
        return True

    def _fresh(self, key: tuple, now: float) -> Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry.version != self._version or now - self._reported_at > self.max_age:
                return None
            self._entries.move_to_end(key)
            return entry

    def _through_django(self, key: tuple, started: float, environ: dict, start_response: Callable):
        captured: list = []

        def capture(status, headers, exc_info=None):
            captured[:] = [status, headers, exc_info]
            return _no_write

        result = self.app(environ, capture)
        status, headers, exc_info = captured
        version = next((v for n, v in headers if n.lower() == _SHARED_LOWER), None)
        headers = [(n, v) for n, v in headers if n.lower() != _SHARED_LOWER]
        if version is None or not status.startswith("200") or any(n.lower() == "set-cookie" for n, _ in headers):
            start_response(status, headers, exc_info)
            return result
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()  # Django's request_finished: connections are returned
        start_response(status, headers, exc_info)
        self._remember(key, started, Entry(version, status, tuple(headers), body))
        return [body]

    def _remember(self, key: tuple, started: float, entry: Entry) -> None:
        with self._lock:
            if started >= self._reported_at:  # the newest-started request's report wins
                self._version, self._reported_at = entry.version, started
            if len(entry.body) > self.max_body:
                return
            old = self._entries.pop(key, None)
            self._bytes += len(entry.body) - (len(old.body) if old else 0)
            self._entries[key] = entry
            while self._bytes > self.max_bytes:
                _, evicted = self._entries.popitem(last=False)
                self._bytes -= len(evicted.body)

    def __len__(self) -> int:
        return len(self._entries)


def _without_mark(start_response: Callable) -> Callable:
    """start_response that drops the internal shared mark (for answers passed straight through)."""

    def strip(status, headers, exc_info=None):
        return start_response(status, [(n, v) for n, v in headers if n.lower() != _SHARED_LOWER], exc_info)

    return strip


def _no_write(data: bytes) -> None:
    raise RuntimeError("the page cache does not support the WSGI write() callable")
