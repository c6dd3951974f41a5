"""Library resources written by editors: who may add and change them, on the API and the pages."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest

from etsatlas.web.accounts.models import AuditEntry, Scope
from etsatlas.web.accounts.testing import PAYLOADS, bearer, make_token, make_user
from etsatlas.web.atlas.seeding import seed_systems
from etsatlas.web.library.models import Resource

ROLES = {"owner": "editor", "other": "editor", "reviewer": "reviewer", "admin": "admin"}


@pytest.fixture
def people(db, factsheets):
    seed_systems([s for s in factsheets if s.id in {"eu-ets", "uk-ets"}])
    users = {who: make_user(who, role, ["eu-ets"] if role == "editor" else [], password=None) for who, role in ROLES.items()}
    Resource.objects.create(slug="eve-brief", title="Eve's brief", type="brief", created_by=users["owner"])
    Resource.objects.create(slug="seeded-guide", title="A seeded guide", type="guide")
    return users


def token_of(people, who, scopes=(Scope.RESOURCES_WRITE,)):
    return make_token(people[who], list(scopes)) if who != "anonymous" else None


def api(client, method, path, body, token=None):
    headers = bearer(token) if token else {}
    return getattr(client, method)(path, json.dumps(body), content_type="application/json", **headers)


NEW = {"id": "new-brief", "title": "Linking, briefly", "type": "brief", "date": "2026-03-01", "date_precision": "month",
       "summary": "On **linking**.", "topics": ["linking"], "systems": ["eu-ets"], "languages": ["en"]}


# -- API ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "status"), [("anonymous", 401), ("owner", 201), ("reviewer", 201), ("admin", 201)])
def test_api_create_matrix(client, people, who, status):
    response = api(client, "post", "/api/v1/resources", NEW, token_of(people, who))
    assert response.status_code == status, response.content
    if status == 201:
        body = response.json()
        assert (body["id"], body["topics"], body["systems"], body["date"]) == ("new-brief", ["linking"], ["eu-ets"], "2026-03-01")
        assert Resource.objects.get(slug="new-brief").created_by == people[who]
    else:
        assert response.json()["error"]["code"] == "unauthenticated"
        assert not Resource.objects.filter(slug="new-brief").exists()


@pytest.mark.parametrize(
    ("who", "slug", "status"),
    [
        ("anonymous", "eve-brief", 401),
        ("owner", "eve-brief", 200),
        ("other", "eve-brief", 403),
        ("owner", "seeded-guide", 403),
        ("reviewer", "eve-brief", 200),
        ("reviewer", "seeded-guide", 200),
        ("admin", "eve-brief", 200),
    ],
)
def test_api_change_matrix(client, people, who, slug, status):
    response = api(client, "patch", f"/api/v1/resources/{slug}", {"title": "Retitled"}, token_of(people, who))
    assert response.status_code == status, response.content
    title = Resource.objects.get(slug=slug).title
    if status == 200:
        assert response.json()["title"] == title == "Retitled"
    else:
        error = response.json()["error"]
        assert error["status"] == status and error["code"] in {"unauthenticated", "forbidden"}
        assert title != "Retitled"


def test_api_patch_changes_only_the_fields_sent(client, people):
    token = token_of(people, "owner")
    api(client, "patch", "/api/v1/resources/eve-brief", {"topics": ["mrv"], "systems": ["uk-ets"], "summary": "New"}, token)
    response = api(client, "patch", "/api/v1/resources/eve-brief", {"url": "https://example.org/b"}, token)
    body = response.json()
    assert (body["title"], body["topics"], body["systems"], body["summary"]) == ("Eve's brief", ["mrv"], ["uk-ets"], "New")
    assert body["external_url"] == "https://example.org/b"
    assert Resource.objects.get(slug="eve-brief").created_by == people["owner"]  # a change keeps the creator


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**NEW, "type": "novel"}, "type"),
        ({**NEW, "topics": ["astrology"]}, "topics.0"),
        ({**NEW, "systems": ["atlantis"]}, "systems"),
        ({**NEW, "url": "javascript:alert(1)"}, "url"),
        ({**NEW, "date_precision": None}, "date_precision"),
        ({**NEW, "id": "Bad Id!"}, "id"),
        ({**NEW, "id": "eve-brief"}, "id"),
        ({**NEW, "title": "nul\x00byte"}, "title"),
    ],
)
def test_api_bad_body_is_400_naming_the_field(client, people, body, field):
    response = api(client, "post", "/api/v1/resources", body, token_of(people, "owner"))
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert (error["status"], error["code"], error["field"]) == (400, "invalid_parameter", field)
    assert Resource.objects.count() == 2


def test_api_writes_need_the_resources_scope(client, people):
    token = token_of(people, "owner", [Scope.DRAFTS_WRITE])
    response = api(client, "post", "/api/v1/resources", NEW, token)
    assert response.status_code == 403 and response.json()["error"]["code"] == "insufficient_scope"


def test_api_account_without_a_role_may_not_add(client, people):
    token = make_token(make_user("nobody", None, password=None), [Scope.RESOURCES_WRITE])
    assert api(client, "post", "/api/v1/resources", NEW, token).status_code == 403


def test_api_unknown_resource_is_404(client, people):
    response = api(client, "patch", "/api/v1/resources/no-such", {"title": "x"}, token_of(people, "admin"))
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_api_writes_are_audited_once_with_the_token_user(client, people):
    token = token_of(people, "owner")
    before = AuditEntry.objects.count()
    api(client, "post", "/api/v1/resources", NEW, token)
    api(client, "patch", "/api/v1/resources/new-brief", {"title": "Retitled"}, token)
    entries = list(AuditEntry.objects.filter(target_type="library.Resource").order_by("id"))[-2:]
    assert AuditEntry.objects.count() == before + 2
    assert [(e.action, e.actor_name) for e in entries] == [("data.create", "owner"), ("data.change", "owner")]


# -- pages --------------------------------------------------------------------------------


FORM = {"slug": "page-brief", "title": "From the page", "type": "brief", "date": "2026-01-15", "date_precision": "day",
        "summary": "Text", "url": "", "topics": ["mrv"], "systems": "eu-ets, uk-ets", "languages": ["fr"]}


@pytest.mark.parametrize("who", ["anonymous", "owner", "reviewer", "admin"])
def test_page_create_matrix(client, people, who):
    if who != "anonymous":
        client.force_login(people[who])
    response = client.post("/accounts/resources/new/", FORM)
    assert response.status_code == 302
    if who == "anonymous":
        assert response["Location"].startswith("/accounts/login/")
        assert not Resource.objects.filter(slug="page-brief").exists()
    else:
        resource = Resource.objects.get(slug="page-brief")
        assert response["Location"] == resource.get_absolute_url()
        assert (resource.created_by, resource.systems, resource.topics) == (people[who], ["eu-ets", "uk-ets"], ["mrv"])


@pytest.mark.parametrize(
    ("who", "slug", "status"),
    [
        ("owner", "eve-brief", 302),
        ("other", "eve-brief", 403),
        ("owner", "seeded-guide", 403),
        ("reviewer", "eve-brief", 302),
        ("admin", "seeded-guide", 302),
    ],
)
def test_page_change_matrix(client, people, who, slug, status):
    client.force_login(people[who])
    assert client.get(f"/accounts/resources/{slug}/edit/").status_code == (200 if status == 302 else 403)
    response = client.post(f"/accounts/resources/{slug}/edit/", {**FORM, "title": "Retitled"})
    assert response.status_code == status
    assert (Resource.objects.get(slug=slug).title == "Retitled") is (status == 302)


def test_page_change_by_anonymous_goes_to_sign_in(client, people):
    response = client.post("/accounts/resources/eve-brief/edit/", {**FORM, "title": "Retitled"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert Resource.objects.get(slug="eve-brief").title == "Eve's brief"


def test_page_form_needs_the_csrf_token(people):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(people["owner"])
    assert client.post("/accounts/resources/eve-brief/edit/", {**FORM, "title": "Retitled"}).status_code == 403
    form = client.get("/accounts/resources/eve-brief/edit/").content.decode()
    assert 'name="csrfmiddlewaretoken"' in form


def test_page_form_errors_name_the_field(client, people):
    client.force_login(people["owner"])
    response = client.post("/accounts/resources/eve-brief/edit/", {**FORM, "systems": "atlantis"})
    assert response.status_code == 200
    assert "No factsheet has the id" in response.content.decode()


@pytest.mark.parametrize(("who", "shown"), [("anonymous", False), ("owner", True), ("other", False), ("reviewer", True)])
def test_resource_page_links_to_the_form_for_those_allowed(client, people, who, shown):
    if who != "anonymous":
        client.force_login(people[who])
    html = client.get("/library/resources/eve-brief/").content.decode()
    assert ('href="/accounts/resources/eve-brief/edit/"' in html) is shown


def test_page_save_is_audited_once_with_the_signed_in_user(client, people):
    client.force_login(people["owner"])
    before = AuditEntry.objects.filter(target_type="library.Resource").count()
    client.post("/accounts/resources/eve-brief/edit/", {**FORM, "title": "Retitled"})
    entries = AuditEntry.objects.filter(target_type="library.Resource")
    assert entries.count() == before + 1
    assert (entries.first().action, entries.first().actor_name) == ("data.change", "owner")


# -- escaping -----------------------------------------------------------------------------


class ActiveMarkup(HTMLParser):
    """Collects anything that could run: event-handler attributes, javascript: links, script/iframe/style tags."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}>")
        if tag in {"iframe", "style", "svg"} or (tag == "script" and not dict(attrs).get("src")):
            self.found.append(f"<{tag}>")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_in_summary_and_title_does_not_survive_on_the_pages(client, people, payload):
    response = api(client, "patch", "/api/v1/resources/eve-brief", {"summary": payload, "title": payload},
                   token_of(people, "owner"))
    assert response.status_code == 200
    client.force_login(people["owner"])
    for url in ("/library/resources/eve-brief/", "/accounts/resources/eve-brief/edit/", "/accounts/"):
        html = client.get(url).content.decode()
        assert "xss-" in html, f"{url}: the payload did not reach the page"
        parser = ActiveMarkup()
        parser.feed(html)
        assert not parser.found, url
        for marker in ("<script>alert", "<img src=x", "<svg/onload", "<iframe", "<body onload", "<style>*"):
            assert marker not in html, url


# -- creator ------------------------------------------------------------------------------


def test_seeded_resources_have_no_creator(db):
    from etsatlas.web.library.seeding import seed_library

    seed_library()
    assert Resource.objects.exists() and not Resource.objects.filter(created_by__isnull=False).exists()


def test_admin_records_who_added_a_resource(people, rf):
    from django.contrib.admin.sites import site

    request = rf.post("/admin/library/resource/add/")
    request.user = people["admin"]
    resource = Resource(slug="admin-added", title="Added in the admin", type="news")
    site._registry[Resource].save_model(request, resource, form=None, change=False)
    assert Resource.objects.get(slug="admin-added").created_by == people["admin"]
