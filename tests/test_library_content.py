"""Library content safety: Markdown summaries sanitised; attachments must really be PDFs."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from etsatlas.web.library.forms import ResourceForm
from etsatlas.web.library.models import Resource
from etsatlas.web.library.text import render_markdown
from etsatlas.web.library.uploads import validate_pdf

MALICIOUS = """Intro **bold**

<script>alert("x")</script>
[click](javascript:alert(1)) and <a href="JaVaScRiPt:alert(2)">this</a>
<img src=x onerror="alert(3)"> <iframe src="https://evil.example"></iframe>
[fine](https://icapcarbonaction.com)
"""
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_markdown_summary_keeps_formatting_and_safe_links():
    html = render_markdown(MALICIOUS)
    assert "<strong>bold</strong>" in html
    assert 'href="https://icapcarbonaction.com"' in html


def test_markdown_summary_drops_scripts_and_javascript_links():
    html = render_markdown(MALICIOUS).lower()
    assert "<script" not in html and "javascript:" not in html
    assert "onerror" not in html and "<iframe" not in html and "<img" not in html


def test_resource_page_renders_a_malicious_summary_safely(client, db):
    Resource.objects.create(slug="bad", title="Bad", type="news", summary=MALICIOUS)
    html = client.get(reverse("library:resource", args=["bad"])).content.decode().lower()
    assert "<script>alert" not in html and "javascript:" not in html
    assert "<strong>bold</strong>" in html


def test_pdf_checked_by_content_not_by_name():
    with pytest.raises(ValidationError) as info:
        validate_pdf(SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf at all"))
    assert info.value.code == "not_pdf_content"
    with pytest.raises(ValidationError) as info:
        validate_pdf(SimpleUploadedFile("report.exe", PDF))
    assert info.value.code == "not_pdf_name"
    validate_pdf(SimpleUploadedFile("report.pdf", PDF))


def test_pdf_over_the_size_limit_is_refused(settings):
    settings.LIBRARY_MAX_UPLOAD_BYTES = 100
    with pytest.raises(ValidationError) as info:
        validate_pdf(SimpleUploadedFile("big.pdf", PDF + b"0" * 200))
    assert info.value.code == "file_too_large"


def form_data(**extra):
    return {"slug": "with-file", "title": "With a file", "type": "paper", "summary": "", "url": "", "sources": "[]",
            "topics": ["linking"], "languages": ["en"], "systems": "", **extra}


def test_uploaded_pdf_is_stored_under_media_root_with_its_path_in_the_database(client, db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    form = ResourceForm(data=form_data(), files={"attachment": SimpleUploadedFile("paper.pdf", PDF)})
    assert form.is_valid(), form.errors
    resource = form.save()
    form.save_tags(resource)
    stored = tmp_path / resource.attachment.name
    assert resource.attachment.name.startswith("library/") and stored.read_bytes() == PDF
    assert Resource.objects.get(pk=resource.pk).attachment.name == resource.attachment.name
    response = client.get(reverse("library:attachment", args=["with-file"]))
    assert response["Content-Type"] == "application/pdf" and b"".join(response.streaming_content) == PDF
    assert resource.topics == ["linking"]


def test_form_refuses_a_renamed_non_pdf(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    form = ResourceForm(data=form_data(), files={"attachment": SimpleUploadedFile("paper.pdf", b"<html>no</html>")})
    assert not form.is_valid()
    assert form.errors.as_data()["attachment"][0].code == "not_pdf_content"
    assert not any(tmp_path.iterdir())


def test_form_checks_system_ids_against_the_knowledge_base(eu_ets_published):
    assert ResourceForm(data=form_data(systems="eu-ets")).is_valid()
    form = ResourceForm(data=form_data(systems="eu-ets, atlantis-ets"))
    assert not form.is_valid() and form.errors.as_data()["systems"][0].code == "unknown_system"


def test_editor_forms_open_in_the_admin(client, db):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.create_superuser("editor", "editor@example.org", "a-long-password-1"))
    resource = Resource.objects.create(slug="some", title="Some", type="news")
    for url in ("/admin/library/resource/add/", f"/admin/library/resource/{resource.pk}/change/",
                "/admin/library/person/add/", "/admin/library/organisation/add/", "/admin/partnership/member/add/"):
        assert client.get(url).status_code == 200, url


def test_seed_file_errors_name_the_entry_and_field(tmp_path):
    from etsatlas.web.library.loading import DATA_FILE, SeedError, load_library

    bad = tmp_path / "publications.yaml"
    text = DATA_FILE.read_text(encoding="utf-8")
    bad.write_text(text.replace("type: guide", "type: novel", 1).replace("publishers: [icap, world-bank]", "publishers: [icap, nobody]"), encoding="utf-8")
    with pytest.raises(SeedError) as info:
        load_library(bad)
    assert "resources[0] (id linking-guide) field type: Value error, unknown type 'novel'" in str(info.value)
    bad.write_text(text.replace("publishers: [icap, world-bank]", "publishers: [icap, nobody]"), encoding="utf-8")
    with pytest.raises(SeedError, match="resource ets-governance field publishers: no organisation with id 'nobody'"):
        load_library(bad)


def test_seed_keeps_known_dates_at_their_precision(db):
    from etsatlas.web.library.seeding import seed_library

    seed_library()
    found = {r.slug: (r.date.isoformat() if r.date else None, r.date_precision) for r in Resource.objects.all()}
    assert found["linking-guide"] == ("2018-09-12", "day")
    assert found["status-report-2024"] == ("2024-04-01", "month")
    assert found["status-report-2014"] == ("2014-01-01", "year")
    assert found["brief-2"] == (None, "")
