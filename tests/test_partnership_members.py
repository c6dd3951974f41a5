"""The partnership: members and observers with a kept history, the directory, the About page and the API."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from etsatlas.web.library.loading import SeedError
from etsatlas.web.partnership.loading import load_partnership
from etsatlas.web.partnership.models import Member, StatusChange
from etsatlas.web.partnership.seeding import seed_partnership


@pytest.fixture
def partnership(db):
    return seed_partnership()


def test_seed_holds_the_2023_list_by_status(partnership):
    assert Member.objects.filter(status="member").count() == 34
    assert Member.objects.filter(status="observer").count() == 7
    assert partnership["created"] == 41


def test_seed_twice_changes_nothing(partnership):
    again = seed_partnership()
    assert again == {"created": 0, "updated": 0, "unchanged": 41, "changes_added": 0, "counts_added": 0}


def test_founding_members_keep_their_founding_date(partnership):
    california = Member.objects.get(id="california")
    first = california.timeline()[0]
    assert (first.status, first.date) == ("member", dt.date(2007, 10, 29))
    assert california.system_ids == ["ca-cat"]


def test_observer_becoming_member_is_added_to_the_history(partnership):
    japan = Member.objects.get(id="japan")
    StatusChange.objects.create(member=japan, status="member", date=dt.date(2025, 6, 1), date_precision="day",
                                source="https://example.org/japan-joins")
    japan.refresh_from_db()
    assert japan.status == "member"
    assert [c.status for c in japan.timeline()] == ["observer", "member"]
    assert Member.objects.filter(status="observer").count() == 6


def test_departure_is_recorded_and_kept(partnership):
    ontario = Member.objects.get(id="ontario")
    StatusChange.objects.create(member=ontario, status="former", date=dt.date(2024, 1, 1), date_precision="year")
    ontario.refresh_from_db()
    assert ontario.status == "former" and len(ontario.timeline()) == 2


def test_recorded_change_cannot_be_overwritten(partnership):
    change = Member.objects.get(id="ukraine").history.first()
    change.status = "member"
    with pytest.raises(ValueError, match="kept as history"):
        change.save()
    assert Member.objects.get(id="ukraine").status == "observer"


def test_editor_records_a_change_in_the_admin(client, partnership):
    editor = get_user_model().objects.create_superuser("editor", "editor@example.org", "a-long-password-1")
    client.force_login(editor)
    url = reverse("admin:partnership_member_change", args=["mexico"])
    page = client.get(url)
    assert page.status_code == 200
    existing = Member.objects.get(id="mexico").history.count()
    data = {
        "id": "mexico", "name": "Mexico", "level": "national", "country": "Mexico", "system_ids": '["mx-ets-pilot"]',
        "longitude": "-102.5", "latitude": "23.6",
        "history-TOTAL_FORMS": str(existing), "history-INITIAL_FORMS": str(existing),
        "history-MIN_NUM_FORMS": "0", "history-MAX_NUM_FORMS": "1000",
        "history-2-TOTAL_FORMS": "1", "history-2-INITIAL_FORMS": "0",
        "history-2-MIN_NUM_FORMS": "0", "history-2-MAX_NUM_FORMS": "1000",
        "history-2-0-status": "member", "history-2-0-date": "2025-03-01", "history-2-0-date_precision": "month",
        "history-2-0-source": "https://example.org/mexico",
    }
    for i, change in enumerate(Member.objects.get(id="mexico").history.order_by("id")):
        data[f"history-{i}-id"] = str(change.id)
        data[f"history-{i}-member"] = "mexico"
    response = client.post(url, data)
    errors = [(f.formset.errors, f.formset.non_form_errors()) for f in response.context["inline_admin_formsets"]] if response.status_code == 200 else None
    assert response.status_code == 302, (response.context["adminform"].form.errors, errors)
    mexico = Member.objects.get(id="mexico")
    assert mexico.status == "member"
    assert [c.status for c in mexico.timeline()] == ["observer", "member"]


def test_directory_shows_counts_map_and_chart_data(client, partnership):
    response = client.get(reverse("partnership:directory"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<strong data-status="member">34</strong>' in html and '<strong data-status="observer">7</strong>' in html
    data = json.loads(re.search(r'<script id="partnership-data" type="application/json">(.*?)</script>', html, re.S).group(1))
    assert len(data["map"]) == 41
    records = data["chart"]["records"]
    assert records[0]["date"] == "2007-10-29" and all(r["source"].startswith("http") for r in records)
    assert data["chart"]["directory"] == {"date": "2023-05-10", "members": 34, "observers": 7, "total": 41}
    assert 'src="/static/vendor/plotly/plotly.min.js"' in html
    assert not re.search(r"<script(?![^>]*\b(src|type=\"application/json\")=?)[^>]*>", html)


def test_about_page_states_the_three_pillars(client, partnership):
    html = client.get(reverse("partnership:about")).content.decode()
    for pillar in ("Technical dialogue", "Knowledge sharing", "Capacity building"):
        assert pillar in html
    assert "29 October 2007" in html and "Lisbon" in html


def test_api_members_filters_by_status(client, partnership):
    body = client.get("/api/v1/members", {"status": "observer"}).json()
    assert body["count"] == 7 and body["counts"] == {"member": 34, "observer": 7, "former": 0}
    assert {m["id"] for m in body["results"]} >= {"japan", "republic-of-korea"}
    assert client.get("/api/v1/members", {"status": "member"}).json()["count"] == 34
    history = next(m for m in client.get("/api/v1/members").json()["results"] if m["id"] == "australia")["history"]
    assert history[0] == {"status": "member", "date": "2008-01-01", "date_precision": "year", "as_of": None,
                          "note": "joins the partnership", "source": "http://www.energymatters.com.au/renewable-news/em47/"}


def test_api_members_rejects_an_unknown_status(client, partnership):
    response = client.get("/api/v1/members", {"status": "friend"})
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "status"


def test_loader_names_the_member_and_field_in_error(tmp_path):
    text = (load_partnership.__globals__["DATA_FILE"]).read_text(encoding="utf-8")
    bad = tmp_path / "partnership.yaml"
    bad.write_text(text.replace("{name: Austria, level: national", "{name: Austria, level: galactic"), encoding="utf-8")
    with pytest.raises(SeedError, match=r"\(Austria\) field level: .*unknown level 'galactic'"):
        load_partnership(bad)
