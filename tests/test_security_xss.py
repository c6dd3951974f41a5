"""XSS: payloads pushed through every editable text of the workflow never reach the HTML alive.

A page is unsafe when it holds a script element with inline content, an event-handler
attribute (on...), or a javascript: link; each payload must also appear only escaped.
"""

from __future__ import annotations

import copy
from html.parser import HTMLParser

import pytest

from etsatlas.schema import Factsheet
from etsatlas.schema.loading import dump_factsheet_yaml
from etsatlas.web.accounts.models import FactsheetDraft
from etsatlas.web.accounts.testing import make_user
from etsatlas.web.atlas.models import System
from etsatlas.web.atlas.seeding import seed_systems

PAYLOADS = [
    "<script>alert('xss-1')</script>",
    '"><img src=x onerror=alert("xss-2")>',
    "'><svg/onload=alert('xss-3')>",
    '<a href="javascript:alert(\'xss-4\')">click</a>',
    "</textarea><script>alert('xss-5')</script>",
    "<iframe srcdoc=\"<script>alert('xss-6')</script>\"></iframe>",
    "<body onload=alert('xss-7')>",
    "{{ request }}{% debug %}<style>*{x:expression(alert('xss-8'))}</style>",
]


class Unsafe(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_script = self._in_data = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            if name in {"href", "src", "action", "formaction"} and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:...>")
        if tag == "script":
            kind = dict(attrs).get("type") or ""
            # json_script data blocks are inert (and escape "<"); anything else must be a file.
            self._in_script = kind != "application/json"
            if self._in_script and not dict(attrs).get("src"):
                self.found.append("<script> without src")
            self._in_data = not self._in_script
        if tag in {"iframe", "style"}:
            self.found.append(f"<{tag}>")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = self._in_data = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.found.append("inline script content")
        if self._in_data and "<" in data:
            self.found.append("unescaped < in a JSON data block")


def assert_safe(html: str, where: str) -> None:
    parser = Unsafe()
    parser.feed(html)
    assert not parser.found, f"{where}: {parser.found}"
    for payload in PAYLOADS:
        for marker in ("<script>alert", "<img src=x", "<svg/onload", "<iframe", "<body onload", "<style>*"):
            if marker in payload:
                assert marker not in html, f"{where}: {marker!r} survived unescaped"


def payload_factsheet(base: dict) -> dict:
    data = copy.deepcopy(base)
    data.update(
        name=PAYLOADS[0], short_name=PAYLOADS[1], summary=PAYLOADS[2], phase=PAYLOADS[3],
        partnership=PAYLOADS[4], mechanism_note=PAYLOADS[5], notes=PAYLOADS[:],
        jurisdictions=[*PAYLOADS[6:], "EU-27"],
    )
    data["cap"] = {**data.get("cap", {}), "trajectory": PAYLOADS[7], "note": PAYLOADS[0]}
    data["scope"] = {**data.get("scope", {}), "gases_note": PAYLOADS[1], "entities_note": PAYLOADS[2]}
    data["sources"] = [{**data["sources"][0], "title": PAYLOADS[3]}] + data["sources"][1:]
    return data


@pytest.fixture
def published_payloads(client, db, factsheets):
    """Payloads in every text of a factsheet, a draft note and a review comment, then published."""
    seed_systems([s for s in factsheets if s.id in {"eu-ets", "uk-ets"}])
    editor = make_user("eve", "editor", ["eu-ets"], password=None)
    reviewer = make_user("rita", "reviewer", password=None)
    admin = make_user("ada", "admin", password=None)
    sheet = Factsheet.model_validate(payload_factsheet(System.objects.get(pk="eu-ets").data))
    client.force_login(editor)
    response = client.post("/accounts/systems/eu-ets/edit/",
                           {"base_version": 1, "document": dump_factsheet_yaml(sheet), "note": PAYLOADS[4]})
    assert response.status_code == 302, response.content[:500]
    draft = FactsheetDraft.objects.get()
    client.post(f"/accounts/drafts/{draft.pk}/submit/")
    client.force_login(reviewer)
    client.post(f"/accounts/drafts/{draft.pk}/reject/", {"comment": PAYLOADS[5]})
    client.force_login(editor)
    client.post(f"/accounts/drafts/{draft.pk}/submit/")
    client.force_login(reviewer)
    client.post(f"/accounts/drafts/{draft.pk}/approve/")
    assert System.objects.get(pk="eu-ets").version == 2
    return {"editor": editor, "reviewer": reviewer, "admin": admin, "draft": draft}


PAGES = [
    ("editor", "/accounts/"),
    ("reviewer", "/accounts/"),
    ("editor", "/accounts/drafts/{draft}/"),
    ("editor", "/accounts/systems/eu-ets/edit/?draft={draft}"),
    ("editor", "/accounts/systems/eu-ets/edit/"),
    (None, "/accounts/systems/eu-ets/history/?a=1&b=2"),
    ("admin", "/accounts/audit/"),
    (None, "/systems/eu-ets/"),
    (None, "/systems/"),
    (None, "/"),
]


@pytest.mark.parametrize(("who", "url"), PAGES)
def test_payloads_never_survive_in_pages(client, published_payloads, who, url):
    if who:
        client.force_login(published_payloads[who])
    else:
        client.logout()
    response = client.get(url.format(draft=published_payloads["draft"].pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "xss-" in html or url in {"/systems/", "/"} or "/edit/" in url, "the payload did not reach the page"
    assert_safe(html, url)
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_payload_in_the_login_form_is_escaped(client, db):
    response = client.post("/accounts/login/", {"username": PAYLOADS[1], "password": "wrong"})
    assert response.status_code == 200
    assert_safe(response.content.decode(), "login")
