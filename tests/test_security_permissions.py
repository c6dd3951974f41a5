"""Permission matrix: every role x every write action x own/other jurisdiction, on pages and API.

The target is always the EU ETS factsheet. An action is allowed when its effect happens;
a denied one has no effect and answers 401/403/404 (API) or 302-to-login/403/404 (pages).
"""

from __future__ import annotations

import copy
import json

import pytest

from etsatlas.schema import Factsheet
from etsatlas.schema.loading import dump_factsheet_yaml
from etsatlas.web.accounts import workflow
from etsatlas.web.accounts.models import DraftState, FactsheetDraft
from etsatlas.web.accounts.testing import bearer, make_token, make_user
from etsatlas.web.atlas.models import System
from etsatlas.web.atlas.seeding import seed_systems

ACTORS = {
    "anonymous": None,
    "no-role": (None, []),
    "editor-own": ("editor", ["eu-ets"]),
    "editor-own-not-author": ("editor", ["eu-ets"]),
    "editor-other": ("editor", ["uk-ets"]),
    "reviewer": ("reviewer", []),
    "admin": ("admin", []),
}
ALLOWED = {
    "propose": {"editor-own", "editor-own-not-author", "reviewer", "admin"},
    "update": {"editor-own", "reviewer", "admin"},
    "submit": {"editor-own", "reviewer", "admin"},
    "approve": {"reviewer", "admin"},
    "reject": {"reviewer", "admin"},
    "restore": {"reviewer", "admin"},
    "audit": {"admin"},
}


def eu_data(**fields) -> dict:
    data = copy.deepcopy(System.objects.get(pk="eu-ets").data)
    data.update(fields)
    return data


def prepare(action: str, actor_name: str, actor):
    """The state an action needs: a draft (by the actor when it is an editor), or a second version."""
    if action in {"update", "submit", "approve", "reject"}:
        own = actor is not None and actor_name in {"editor-own", "editor-other"}
        author = actor if own else make_user("author", "editor", ["eu-ets"], password=None)
        draft = FactsheetDraft.objects.create(system_id="eu-ets", base_version=1, data=eu_data(phase="Draft phase"),
                                              author=author)
        if action in {"approve", "reject"}:
            draft.state = DraftState.SUBMITTED
            draft.save()
        return draft
    if action == "restore":
        setup = make_user("setup", "reviewer", password=None)
        draft = workflow.save_draft(setup, "eu-ets", eu_data(phase="Version two"))
        workflow.submit(setup, draft)
        workflow.approve(setup, draft)
    return None


def happened(action: str, draft) -> bool:
    system = System.objects.get(pk="eu-ets")
    if draft is not None:
        draft.refresh_from_db()
    return {
        "propose": lambda: FactsheetDraft.objects.filter(data__phase="Proposed phase").exists(),
        "update": lambda: draft.data.get("phase") == "Proposed phase",
        "submit": lambda: draft.state == DraftState.SUBMITTED,
        "approve": lambda: system.version == 2,
        "reject": lambda: draft.state == DraftState.REJECTED,
        "restore": lambda: system.version == 3,
        "audit": lambda: None,
    }[action]()


def call_api(client, action: str, draft, token: str | None):
    headers = bearer(token) if token else {}
    body = json.dumps({"changes": {"phase": "Proposed phase"}})
    if action == "propose":
        return client.patch("/api/v1/systems/eu-ets", body, content_type="application/json", **headers)
    if action == "update":
        return client.patch(f"/api/v1/drafts/{draft.pk}", body, content_type="application/json", **headers)
    if action in {"submit", "approve", "reject"}:
        return client.post(f"/api/v1/drafts/{draft.pk}/{action}", json.dumps({"comment": "No."}),
                           content_type="application/json", **headers)
    if action == "restore":
        return client.post("/api/v1/systems/eu-ets/versions/1/restore", **headers)
    return client.get("/api/v1/audit", **headers)


def call_page(client, action: str, draft):
    if action in {"propose", "update"}:
        base = draft.data if draft is not None else System.objects.get(pk="eu-ets").data
        sheet = Factsheet.model_validate({**base, "phase": "Proposed phase"})
        query = f"?draft={draft.pk}" if draft is not None else ""
        return client.post(f"/accounts/systems/eu-ets/edit/{query}",
                           {"base_version": 1, "document": dump_factsheet_yaml(sheet), "note": "n"})
    if action in {"submit", "approve", "reject"}:
        return client.post(f"/accounts/drafts/{draft.pk}/{action}/", {"comment": "No."})
    if action == "restore":
        return client.post("/accounts/systems/eu-ets/versions/1/restore/")
    return client.get("/accounts/audit/")


@pytest.mark.parametrize("channel", ["api", "page"])
@pytest.mark.parametrize("action", list(ALLOWED))
@pytest.mark.parametrize("actor_name", list(ACTORS))
def test_permission_matrix(client, db, factsheets, channel, action, actor_name):
    seed_systems([s for s in factsheets if s.id in {"eu-ets", "uk-ets"}])
    spec = ACTORS[actor_name]
    actor = make_user(actor_name, *spec, password=None) if spec is not None else None
    draft = prepare(action, actor_name, actor)
    if channel == "api":
        response = call_api(client, action, draft, make_token(actor) if actor else None)
    else:
        if actor is not None:
            client.force_login(actor)
        response = call_page(client, action, draft)
    allowed = actor_name in ALLOWED[action]
    effect = happened(action, draft)
    if allowed:
        assert response.status_code in {200, 201, 302}, response.content[:300]
        assert effect in {True, None}, f"{actor_name} could not {action}"
        if effect is None:
            assert response.status_code == 200
    else:
        assert not effect, f"{actor_name} managed to {action}"
        if channel == "api":
            assert response.status_code == (401 if actor is None else 403) or response.status_code == 404
            assert "error" in response.json()
        elif actor is None:
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        else:
            assert response.status_code in {403, 404}
