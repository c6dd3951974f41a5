"""Readers see only published versions; concurrent publications never overwrite each other."""

from __future__ import annotations

import threading

import pytest
from django.db import OperationalError, connection, connections

from etsatlas.web.accounts import workflow
from etsatlas.web.accounts.models import FactsheetVersion
from etsatlas.web.accounts.testing import make_user
from etsatlas.web.atlas.models import System
from etsatlas.web.atlas.seeding import seed_systems


@pytest.fixture
def eu(db, factsheets):
    seed_systems([s for s in factsheets if s.id in {"eu-ets", "ch-ets", "uk-ets"}])


def test_readers_see_a_change_only_once_it_is_published(client, eu):
    editor, reviewer = make_user("eve", "editor", ["eu-ets"], password=None), make_user("rita", "reviewer", password=None)
    marker = "A summary only a reviewer can publish."
    draft = workflow.save_draft(editor, "eu-ets", {**System.objects.get(pk="eu-ets").data, "summary": marker})
    workflow.submit(editor, draft)
    for url in ("/systems/eu-ets/", "/api/v1/systems/eu-ets"):
        assert marker not in client.get(url).content.decode()
    workflow.approve(reviewer, draft)
    for url in ("/systems/eu-ets/", "/api/v1/systems/eu-ets"):
        assert marker in client.get(url).content.decode(), url


def test_two_reviewers_publishing_drafts_of_one_base_at_once_publish_one(transactional_db, factsheets):
    seed_systems([s for s in factsheets if s.id in {"eu-ets", "ch-ets", "uk-ets"}])
    editor, reviewer = make_user("eve", "editor", ["eu-ets"], password=None), make_user("rita", "reviewer", password=None)
    base = System.objects.get(pk="eu-ets").data
    drafts = [workflow.save_draft(editor, "eu-ets", {**base, "summary": f"Edit {i}"}) for i in range(2)]
    for draft in drafts:
        workflow.submit(editor, draft)
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def publish(draft):
        start.wait()
        try:
            workflow.approve(reviewer, draft)
            outcomes.append("published")
        except workflow.WorkflowError as exc:
            outcomes.append(exc.code)
        except OperationalError:  # SQLite: the second writer may be told the database is busy
            outcomes.append("busy")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=publish, args=(d,)) for d in drafts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("published") == 1, outcomes
    loser = {"conflict", "busy"} if connection.vendor == "sqlite" else {"conflict"}
    assert set(outcomes) - {"published"} <= loser
    system = System.objects.get(pk="eu-ets")
    assert system.version == 2 and FactsheetVersion.objects.filter(system=system).count() == 2
    assert system.data["summary"] in {"Edit 0", "Edit 1"} and workflow.history_check(system)
