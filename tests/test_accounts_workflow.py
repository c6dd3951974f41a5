"""The editorial workflow: drafts, review, publishing with history, conflicts, restore, faults."""

from __future__ import annotations

import copy

import pytest

from etsatlas.web.accounts import workflow
from etsatlas.web.accounts.diffing import diff, flatten
from etsatlas.web.accounts.models import AuditEntry, DraftState, FactsheetVersion
from etsatlas.web.accounts.seeding import record_published_versions
from etsatlas.web.accounts.testing import make_user
from etsatlas.web.atlas.models import System
from etsatlas.web.atlas.seeding import seed_systems


@pytest.fixture
def systems(db, factsheets):
    """EU ETS and UK ETS published (version 1)."""
    seed_systems([s for s in factsheets if s.id in {"eu-ets", "uk-ets"}])
    return System.objects.in_bulk()


@pytest.fixture
def editor(db):
    return make_user("eve", "editor", ["eu-ets"])


@pytest.fixture
def reviewer(db):
    return make_user("rita", "reviewer")


def changed(system_id: str, **fields) -> dict:
    data = copy.deepcopy(System.objects.get(pk=system_id).data)
    data.update(fields)
    return data


def publish(editor, reviewer, system_id: str, **fields):
    draft = workflow.save_draft(editor, system_id, changed(system_id, **fields), note="test")
    workflow.submit(editor, draft)
    return workflow.approve(reviewer, draft)


def test_seeded_systems_have_their_first_version_in_history(systems):
    assert FactsheetVersion.objects.filter(system_id="eu-ets", version=1).exists()
    assert record_published_versions() == {"recorded": 0}  # idempotent


def test_saving_a_draft_changes_nothing_readers_see(systems, editor):
    before = System.objects.get(pk="eu-ets")
    draft = workflow.save_draft(editor, "eu-ets", changed("eu-ets", summary="A new summary."))
    after = System.objects.get(pk="eu-ets")
    assert draft.state == DraftState.DRAFT and draft.base_version == 1
    assert (after.version, after.data) == (before.version, before.data)


def test_approving_a_submitted_draft_publishes_the_next_version(systems, editor, reviewer):
    version = publish(editor, reviewer, "eu-ets", summary="A new summary.")
    system = System.objects.get(pk="eu-ets")
    assert (system.version, system.data["summary"]) == (2, "A new summary.")
    assert (version.version, version.author, version.published_by) == (2, editor, reviewer)
    assert workflow.history_check(system)
    actions = list(AuditEntry.objects.filter(actor__isnull=False).values_list("action", flat=True))
    assert {"draft.create", "draft.submit", "system.publish"} <= set(actions)


def test_invalid_draft_is_refused_naming_the_field(systems, editor):
    data = changed("eu-ets")
    data["scope"]["coverage_share_pct"] = 140
    with pytest.raises(workflow.WorkflowError) as caught:
        workflow.save_draft(editor, "eu-ets", data)
    assert caught.value.status == 400 and "coverage_share_pct" in caught.value.message


def test_draft_for_another_system_id_is_refused(systems, editor):
    with pytest.raises(workflow.WorkflowError, match="differs from the system"):
        workflow.save_draft(editor, "eu-ets", changed("uk-ets"))


def test_stale_draft_is_refused_listing_what_changed(systems, editor, reviewer):
    stale = workflow.save_draft(editor, "eu-ets", changed("eu-ets", phase="Phase 5"))
    workflow.submit(editor, stale)
    publish(editor, reviewer, "eu-ets", summary="Someone else's summary.")
    with pytest.raises(workflow.WorkflowError) as caught:
        workflow.approve(reviewer, stale)
    error = caught.value
    assert error.status == 409 and error.code == "conflict"
    assert "version 2" in error.message and "summary" in error.message
    assert [c["path"] for c in error.details["changes"]] == ["summary"]
    assert System.objects.get(pk="eu-ets").data["summary"] == "Someone else's summary."


def test_saving_with_an_old_base_version_is_a_conflict(systems, editor, reviewer):
    publish(editor, reviewer, "eu-ets", summary="Version two.")
    with pytest.raises(workflow.WorkflowError, match="published as version 2"):
        workflow.save_draft(editor, "eu-ets", changed("eu-ets", phase="X"), base_version=1)


def test_rejecting_needs_a_comment_and_returns_the_draft(systems, editor, reviewer):
    draft = workflow.save_draft(editor, "eu-ets", changed("eu-ets", phase="Phase 5"))
    workflow.submit(editor, draft)
    with pytest.raises(workflow.WorkflowError, match="say why"):
        workflow.reject(reviewer, draft, " ")
    workflow.reject(reviewer, draft, "Cite the source, please.")
    draft.refresh_from_db()
    assert (draft.state, draft.review_comment, draft.reviewer) == (DraftState.REJECTED, "Cite the source, please.", reviewer)
    assert System.objects.get(pk="eu-ets").version == 1


def test_restore_publishes_an_earlier_version_as_a_new_one(systems, editor, reviewer):
    original = System.objects.get(pk="eu-ets").data
    publish(editor, reviewer, "eu-ets", summary="Version two.")
    restored = workflow.restore(reviewer, "eu-ets", 1)
    system = System.objects.get(pk="eu-ets")
    assert (restored.version, restored.restored_from, system.version) == (3, 1, 3)
    assert system.data == original
    assert FactsheetVersion.objects.filter(system=system).count() == 3


def test_diff_between_two_versions_names_each_field(systems, editor, reviewer):
    publish(editor, reviewer, "eu-ets", summary="Version two.", phase=None)
    changes = {c.path: c for c in diff(workflow.version_data("eu-ets", 1), workflow.version_data("eu-ets", 2))}
    assert changes["summary"].kind == "changed" and changes["summary"].new == "Version two."
    assert changes["phase"].kind == "removed"


def test_flatten_names_nested_list_items():
    assert flatten({"cap": {"values": [{"year": 2024}]}, "notes": []}) == {"cap.values[0].year": 2024, "notes": []}


def test_merge_patch_follows_rfc_7396():
    target = {"a": "b", "c": {"d": "e", "f": "g"}}
    assert workflow.merge_patch(target, {"a": "z", "c": {"f": None}}) == {"a": "z", "c": {"d": "e"}}


def test_interrupted_publish_leaves_the_previous_state(systems, editor, reviewer, monkeypatch):
    draft = workflow.save_draft(editor, "eu-ets", changed("eu-ets", summary="Never published."))
    workflow.submit(editor, draft)
    before = System.objects.get(pk="eu-ets")
    audit_before = AuditEntry.objects.count()

    def crash(*args, **kwargs):
        raise RuntimeError("power cut halfway through publishing")

    monkeypatch.setattr(workflow.audit, "record", crash)  # the last write of the transaction fails
    with pytest.raises(RuntimeError):
        workflow.approve(reviewer, draft)
    after = System.objects.get(pk="eu-ets")
    draft.refresh_from_db()
    assert (after.version, after.data, after.content_hash) == (before.version, before.data, before.content_hash)
    assert not FactsheetVersion.objects.filter(system_id="eu-ets", version=2).exists()
    assert draft.state == DraftState.SUBMITTED and AuditEntry.objects.count() == audit_before


def test_audit_entries_cannot_be_changed_or_deleted(systems, editor):
    workflow.save_draft(editor, "eu-ets", changed("eu-ets", phase="Phase 5"))
    entry = AuditEntry.objects.filter(action="draft.create").get()
    entry.action = "something.else"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
