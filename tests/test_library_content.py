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


@pytest.fixture
def eu_ets_published(db):
    """The EU ETS factsheet published on its own (cross-system checks are the atlas's business)."""
    from etsatlas.schema.loading import DATA_DIR, parse_factsheet_yaml
    from etsatlas.web.atlas.models import System

    sheet, _ = parse_factsheet_yaml((DATA_DIR / "eu-ets.yaml").read_text(encoding="utf-8"), "eu-ets.yaml")
    if sheet is None:
        pytest.skip("the eu-ets factsheet does not validate in this checkout")
    row = System(id=sheet.id)
    row.apply(sheet)
    row.save()
    return sheet


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
