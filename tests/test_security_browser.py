"""XSS in a real browser: with payloads in every editable text, no page runs a script or trips the CSP."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.test import Client

from browsing import chromium_page, requires_chromium
from etsatlas.schema import Factsheet
from etsatlas.web.accounts import workflow
from etsatlas.web.accounts.testing import PAYLOADS, make_user, payload_factsheet
from etsatlas.web.atlas.models import System
from etsatlas.web.atlas.seeding import seed_systems

pytestmark = requires_chromium


@pytest.fixture
def payload_site(live_server, transactional_db, factsheets):
    """A published factsheet, a draft note and a review comment full of payloads; an admin session."""
    seed_systems([s for s in factsheets if s.id in {"eu-ets", "uk-ets", "ch-ets"}])
    admin = make_user("ada", "admin", password=None)
    sheet = Factsheet.model_validate(payload_factsheet(System.objects.get(pk="eu-ets").data))
    draft = workflow.save_draft(admin, "eu-ets", sheet.model_dump(mode="json", exclude_none=True), note=PAYLOADS[4])
    workflow.submit(admin, draft)
    workflow.reject(admin, draft, PAYLOADS[5])
    workflow.submit(admin, draft)
    workflow.approve(admin, draft)
    client = Client()
    client.force_login(admin)
    return live_server.url, client.cookies[django_settings.SESSION_COOKIE_NAME].value, draft.pk


def test_no_payload_runs_in_the_browser(payload_site):
    base, session, draft_id = payload_site
    pages = ["/", "/systems/", "/systems/eu-ets/", "/accounts/", f"/accounts/drafts/{draft_id}/",
             "/accounts/systems/eu-ets/history/?a=1&b=2", "/accounts/audit/", "/accounts/systems/eu-ets/edit/"]
    dialogs, violations = [], []
    cookies = [{"name": django_settings.SESSION_COOKIE_NAME, "value": session, "url": base}]
    with chromium_page(cookies=cookies) as (page, _errors):
        page.on("dialog", lambda d: (dialogs.append(f"{page.url}: {d.message}"), d.dismiss()))
        page.on("console", lambda m: violations.append(f"{page.url}: {m.text}")
                if "Content Security Policy" in m.text else None)
        for url in pages:
            response = page.goto(base + url, wait_until="load")
            assert response is not None and response.status == 200, url
            page.wait_for_timeout(200)
            assert "xss-" in page.content() or url in {"/", "/systems/", "/accounts/systems/eu-ets/edit/"}, url
    assert dialogs == []
    assert violations == []  # a blocked inline script would mean a payload survived unescaped
