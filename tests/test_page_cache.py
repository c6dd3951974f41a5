"""The page cache in front of Django: what it serves from memory, to whom, and for how long.

Driven through the real Django WSGI application and the test database; the only stand-in is
the clock, so that "a second later" needs no sleeping.
"""

from __future__ import annotations

import io

import pytest
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application

from etsatlas.web.core.middleware import over_anonymous_api_rate
from etsatlas.web.pagecache import SHARED_HEADER, PageCache

pytestmark = pytest.mark.django_db(transaction=True)


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def django_application():
    return get_wsgi_application()


@pytest.fixture
def layer(clock, seeded, django_application):
    cache.clear()
    yield PageCache(django_application, max_age=1.0, clock=clock, over_api_rate=over_anonymous_api_rate)
    cache.clear()


def call(app, path: str, method: str = "GET", host: str = "testserver", **headers) -> tuple[int, dict, bytes]:
    path, _, query = path.partition("?")
    environ = {
        "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query, "SCRIPT_NAME": "",
        "SERVER_NAME": "testserver", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_HOST": host,
        "REMOTE_ADDR": "127.0.0.1", "wsgi.version": (1, 0), "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(),
        "wsgi.errors": io.StringIO(), "wsgi.multithread": True, "wsgi.multiprocess": True, "wsgi.run_once": False,
        **{"HTTP_" + k.upper(): v for k, v in headers.items()},
    }
    seen = {}

    def start_response(status, response_headers, exc_info=None):
        seen["status"], seen["headers"] = status, dict(response_headers)

    result = app(environ, start_response)
    body = b"".join(result)
    if hasattr(result, "close"):
        result.close()
    return int(seen["status"].split()[0]), seen["headers"], body


def publish_summary(text: str) -> None:
    from etsatlas.web.atlas.models import System

    row = System.objects.get(id="eu-ets")
    assert row.apply(row.factsheet().model_copy(update={"summary": text}))
    row.save()


def test_an_anonymous_page_is_served_from_memory_until_its_data_version_is_rechecked(layer, clock):
    status, headers, first = call(layer, "/systems/eu-ets/")
    assert status == 200 and len(layer) == 1
    assert SHARED_HEADER not in headers, "the internal mark never reaches the client"
    publish_summary("A summary published a moment ago.")
    clock.now += 0.5
    assert call(layer, "/systems/eu-ets/")[2] == first, "within max_age the page comes from memory"
    clock.now += 0.6
    fresh = call(layer, "/systems/eu-ets/")[2]
    assert b"A summary published a moment ago." in fresh, "after max_age Django re-reads the data version"
    assert call(layer, "/systems/eu-ets/")[2] == fresh


def test_requests_with_credentials_always_reach_django(layer, clock):
    call(layer, "/systems/eu-ets/")
    publish_summary("Seen at once by anyone signed in.")
    assert b"Seen at once" in call(layer, "/systems/eu-ets/", cookie="sessionid=abc")[2]
    assert b"Seen at once" in call(layer, "/systems/eu-ets/", authorization="Bearer x")[2]
    assert b"Seen at once" not in call(layer, "/systems/eu-ets/", cookie="csrftoken=abc")[2], \
        "the CSRF cookie alone identifies no one: still served from memory"
    # An unknown session is anonymous to Django, which marks its answer shared; the mark stays inside.
    assert SHARED_HEADER not in call(layer, "/systems/eu-ets/", cookie="sessionid=expired")[1]


def test_conditional_and_non_get_requests_reach_django(layer):
    _, headers, _ = call(layer, "/api/v1/systems/eu-ets")
    status, _, body = call(layer, "/api/v1/systems/eu-ets", if_none_match=headers["ETag"])
    assert status == 304 and body == b""
    kept = len(layer)
    assert call(layer, "/systems/eu-ets/", method="HEAD")[0] == 200
    assert call(layer, "/systems/eu-ets/", method="POST")[0] == 403  # Django's CSRF check, not the page
    assert len(layer) == kept


def test_only_answers_marked_shared_are_kept(layer):
    assert call(layer, "/accounts/login/")[0] == 200
    assert call(layer, "/no/such/page/")[0] == 404
    assert len(layer) == 0
    call(layer, "/api/v1/systems?status=in_force")
    call(layer, "/")
    assert len(layer) == 2


def test_hosts_are_kept_apart_and_a_foreign_host_is_still_refused(layer):
    assert call(layer, "/systems/eu-ets/")[0] == 200
    assert call(layer, "/systems/eu-ets/", host="evil.example")[0] == 400
    assert len(layer) == 1
    assert call(layer, "/systems/eu-ets/", host="localhost")[0] == 200
    assert len(layer) == 2, "another allowed host gets its own entry"


def test_the_memory_is_bounded(clock, seeded, django_application):
    sizes = {path: len(call(django_application, path)[2]) for path in ("/", "/systems/eu-ets/", "/compare/?systems=eu-ets,ch-ets")}
    budget = sum(sizes.values()) - min(sizes.values())  # room for all but the smallest
    bounded = PageCache(django_application, max_age=1.0, max_bytes=budget, clock=clock)
    for path in sizes:
        assert call(bounded, path)[0] == 200
    assert 0 < bounded._bytes <= budget and len(bounded) < len(sizes)
    assert call(bounded, "/compare/?systems=eu-ets,ch-ets")[0] == 200  # the newest entry is kept


def test_answers_from_memory_count_against_the_anonymous_api_rate(layer, settings):
    settings.ETSATLAS = {**settings.ETSATLAS, "API_ANON_RATE_PER_MINUTE": 3}
    codes = [call(layer, "/api/v1/systems")[0] for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    status, headers, body = call(layer, "/api/v1/systems")
    assert status == 429 and b"rate_limited" in body and int(headers["Retry-After"]) > 0


def test_a_request_counted_in_front_of_django_is_not_counted_again(layer, settings):
    settings.ETSATLAS = {**settings.ETSATLAS, "API_ANON_RATE_PER_MINUTE": 2}
    # Every call is a miss (a new query string), so each passes through Django's own limiter too.
    codes = [call(layer, f"/api/v1/systems?limit={n}")[0] for n in (1, 2, 3)]
    assert codes == [200, 200, 429]


def test_max_age_zero_turns_the_layer_off(clock, seeded, django_application):
    off = PageCache(django_application, max_age=0, clock=clock)
    call(off, "/systems/eu-ets/")
    publish_summary("No layer, no delay.")
    assert b"No layer, no delay." in call(off, "/systems/eu-ets/")[2] and len(off) == 0
