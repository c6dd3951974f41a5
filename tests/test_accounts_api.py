"""The workflow API: token authentication with scopes, drafts, review, history, limits."""

from __future__ import annotations

import json

import pytest

from etsatlas.web.accounts.models import ApiToken, AuditEntry, FactsheetDraft, Scope
from etsatlas.web.accounts.testing import bearer, make_token, make_user
from etsatlas.web.atlas.models import System
from etsatlas.web.atlas.seeding import seed_systems


@pytest.fixture
def systems(db, factsheets):
    seed_systems([s for s in factsheets if s.id in {"eu-ets", "uk-ets"}])


@pytest.fixture
def editor_token(systems):
    return make_token(make_user("eve", "editor", ["eu-ets"]), [Scope.DRAFTS_WRITE])


@pytest.fixture
def reviewer_token(systems):
    return make_token(make_user("rita", "reviewer"))


def patch(client, system_id, body, token=None):
    headers = bearer(token) if token else {}
    return client.patch(f"/api/v1/systems/{system_id}", json.dumps(body), content_type="application/json", **headers)


def post(client, path, token, body=None):
    return client.post(path, json.dumps(body or {}), content_type="application/json", **bearer(token))


def test_patch_creates_a_draft_from_a_merge_patch(client, editor_token):
    response = patch(client, "eu-ets", {"changes": {"phase": "Phase 5", "summary": None}, "note": "new phase"}, editor_token)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "draft" and body["base_version"] == 1 and body["author"] == "eve"
    assert {c["path"]: c["kind"] for c in body["changes"]} == {"phase": "changed", "summary": "removed"}
    assert System.objects.get(pk="eu-ets").version == 1  # readers still see version 1


def test_get_and_patch_share_one_path(client, editor_token):
    assert client.get("/api/v1/systems/eu-ets").status_code == 200
    assert patch(client, "eu-ets", {"changes": {"phase": "P"}}, editor_token).status_code == 201


def test_anonymous_write_is_401_in_the_error_shape(client, systems):
    response = patch(client, "eu-ets", {"changes": {"phase": "P"}})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_unknown_token_is_401(client, systems):
    assert patch(client, "eu-ets", {"changes": {"phase": "P"}}, "eta_not-a-real-token").status_code == 401


def test_write_outside_ones_jurisdictions_is_403(client, editor_token):
    response = patch(client, "uk-ets", {"changes": {"phase": "P"}}, editor_token)
    assert response.status_code == 403
    assert "uk-ets" in response.json()["error"]["message"]


def test_token_without_the_scope_is_403(client, systems):
    token = make_token(make_user("reader", "editor", ["eu-ets"]), [])
    response = patch(client, "eu-ets", {"changes": {"phase": "P"}}, token)
    assert response.status_code == 403 and response.json()["error"]["code"] == "insufficient_scope"


def test_invalid_factsheet_is_400_naming_the_field(client, editor_token):
    response = patch(client, "eu-ets", {"changes": {"scope": {"coverage_share_pct": 140}}}, editor_token)
    assert response.status_code == 400
    assert "coverage_share_pct" in response.json()["error"]["message"]


def test_full_review_cycle_over_the_api(client, editor_token, reviewer_token):
    draft = patch(client, "eu-ets", {"changes": {"phase": "Phase 5"}}, editor_token).json()
    assert post(client, f"/api/v1/drafts/{draft['id']}/approve", reviewer_token).status_code == 409  # not submitted
    assert post(client, f"/api/v1/drafts/{draft['id']}/submit", editor_token).json()["state"] == "submitted"
    assert post(client, f"/api/v1/drafts/{draft['id']}/approve", editor_token).status_code == 403  # editors cannot
    published = post(client, f"/api/v1/drafts/{draft['id']}/approve", reviewer_token)
    assert published.status_code == 200 and published.json()["version"] == 2
    assert client.get("/api/v1/systems/eu-ets").json()["phase"] == "Phase 5"
    versions = client.get("/api/v1/systems/eu-ets/versions").json()
    assert [v["version"] for v in versions] == [2, 1] and versions[0]["author"] == "eve"
    changes = client.get("/api/v1/systems/eu-ets/diff?a=1&b=2").json()["changes"]
    assert [c["path"] for c in changes] == ["phase"]


def test_stale_patch_is_409_listing_the_changes(client, editor_token, reviewer_token):
    first = patch(client, "eu-ets", {"changes": {"phase": "Phase 5"}}, reviewer_token).json()
    post(client, f"/api/v1/drafts/{first['id']}/submit", reviewer_token)
    post(client, f"/api/v1/drafts/{first['id']}/approve", reviewer_token)
    response = patch(client, "eu-ets", {"base_version": 1, "changes": {"summary": "Mine."}}, editor_token)
    error = response.json()["error"]
    assert response.status_code == 409 and error["code"] == "conflict"
    assert [c["path"] for c in error["details"]["changes"]] == ["phase"]


def test_reject_sends_the_draft_back_with_the_comment(client, editor_token, reviewer_token):
    draft = patch(client, "eu-ets", {"changes": {"phase": "Phase 5"}}, editor_token).json()
    post(client, f"/api/v1/drafts/{draft['id']}/submit", editor_token)
    body = post(client, f"/api/v1/drafts/{draft['id']}/reject", reviewer_token, {"comment": "Source?"}).json()
    assert (body["state"], body["review_comment"]) == ("rejected", "Source?")


def test_restore_over_the_api_makes_a_new_version(client, reviewer_token):
    draft = patch(client, "eu-ets", {"changes": {"phase": "Phase 5"}}, reviewer_token).json()
    post(client, f"/api/v1/drafts/{draft['id']}/submit", reviewer_token)
    post(client, f"/api/v1/drafts/{draft['id']}/approve", reviewer_token)
    restored = post(client, "/api/v1/systems/eu-ets/versions/1/restore", reviewer_token).json()
    assert (restored["version"], restored["restored_from"]) == (3, 1)


def test_drafts_are_private_to_their_author_and_reviewers(client, editor_token, systems):
    draft = patch(client, "eu-ets", {"changes": {"phase": "Phase 5"}}, editor_token).json()
    other = make_token(make_user("otto", "editor", ["uk-ets"]), [Scope.DRAFTS_WRITE])
    assert client.get(f"/api/v1/drafts/{draft['id']}", **bearer(other)).status_code == 404
    assert client.get("/api/v1/drafts", **bearer(other)).json() == []
    assert len(client.get("/api/v1/drafts", **bearer(editor_token)).json()) == 1


def test_tokens_are_stored_only_as_a_hash(editor_token):
    stored = ApiToken.objects.get()
    assert editor_token not in (stored.digest, stored.prefix) and len(stored.digest) == 64
    assert editor_token.startswith(stored.prefix)


def test_audit_log_is_for_administrators_only(client, editor_token):
    admin_token = make_token(make_user("ada", "admin"))
    patch(client, "eu-ets", {"changes": {"phase": "Phase 5"}}, editor_token)
    assert client.get("/api/v1/audit", **bearer(editor_token)).status_code == 403
    entries = client.get("/api/v1/audit?action=draft.create", **bearer(admin_token)).json()
    assert [(e["actor"], e["target_type"]) for e in entries] == [("eve", "draft")]
    assert entries[0]["address"] == "127.0.0.1"


def test_page_size_is_capped_by_the_server_maximum(client, reviewer_token, settings):
    settings.ETSATLAS = {**settings.ETSATLAS, "API_MAX_LIMIT": 2}
    for phase in "ABC":
        patch(client, "eu-ets", {"changes": {"phase": phase}}, reviewer_token)
    assert FactsheetDraft.objects.count() == 3
    assert len(client.get("/api/v1/drafts?limit=100", **bearer(reviewer_token)).json()) == 2


def test_oversized_body_is_413(client, editor_token, settings):
    settings.ETSATLAS = {**settings.ETSATLAS, "API_MAX_BODY_BYTES": 1000}
    response = patch(client, "eu-ets", {"changes": {"summary": "x" * 2000}}, editor_token)
    assert response.status_code == 413 and response.json()["error"]["code"] == "body_too_large"


def test_anonymous_clients_are_rate_limited(client, systems, settings):
    from django.core.cache import cache

    cache.clear()
    settings.ETSATLAS = {**settings.ETSATLAS, "API_ANON_RATE_PER_MINUTE": 3}
    codes = [client.get("/api/v1/systems/eu-ets/versions").status_code for _ in range(5)]
    assert codes[:3] == [200, 200, 200] and 429 in codes[3:]
    limited = client.get("/api/v1/systems/eu-ets/versions")
    assert limited.json()["error"]["code"] == "rate_limited" and int(limited["Retry-After"]) > 0
    cache.clear()


def test_nul_characters_are_refused_not_stored(client, editor_token):
    response = patch(client, "eu-ets", {"changes": {"summary": "a\u0000b"}}, editor_token)
    assert response.status_code == 400 and response.json()["error"]["field"] == "summary"
    assert not AuditEntry.objects.filter(action="draft.create").exists()
