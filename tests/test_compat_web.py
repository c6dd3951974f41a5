"""The compatibility page, its what-if form, the API and the HTML and PDF reports."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from django.urls import reverse

from etsatlas.compat.examples import aligned_pair, example
from etsatlas.web.atlas.models import System

API = "/api/v1/compatibility"


@pytest.fixture
def systems(db):
    """The aligned pair plus three more systems in the database (ids aa-ets .. ee-ets)."""
    sheets = [*aligned_pair(), example("cc-ets"), example("dd-ets"), example("ee-ets", cap={"type": "intensity"})]
    for sheet in sheets:
        row = System(id=sheet.id)
        row.apply(sheet)
        row.save()
    return sheets


def test_page_url_name_and_selector_without_systems(client, systems):
    response = client.get(reverse("linking:compatibility"))
    assert response.status_code == 200
    assert b'name="systems"' in response.content and b"aa-ets" in response.content


def test_page_shows_the_assessment_with_sources_and_exports(client, systems):
    response = client.get(reverse("linking:compatibility"), {"systems": "aa-ets,bb-ets"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Overall readiness" in html and "status-aligned" in html
    assert "https://example.org/aa-ets" in html
    assert reverse("linking:report_pdf") in html and "<svg" in html
    assert "<script>" not in html


def test_page_unknown_system_is_404_and_one_system_400(client, systems):
    assert client.get(reverse("linking:compatibility"), {"systems": "aa-ets,nope"}).status_code == 404
    assert client.get(reverse("linking:compatibility"), {"systems": "aa-ets"}).status_code == 400


def test_whatif_form_adds_an_edit_and_flips_the_status(client, systems):
    url = reverse("linking:compatibility")
    response = client.get(url, {"systems": "aa-ets,bb-ets", "wi_system": "bb-ets", "wi_field": "compliance.penalty.make_good", "wi_value": "false"})
    assert response.status_code == 302 and "edit=bb-ets" in response.url
    page = client.get(response.url).content.decode()
    assert "Overall readiness: <span class=\"status status-barrier\">" in page
    assert "Penalty requires make-good True → False" in page
    # The knowledge base is untouched.
    assert System.objects.get(id="bb-ets").factsheet().compliance.penalty.make_good.value is True


def test_api_returns_the_published_shape(client, systems):
    data = client.get(API, {"systems": "aa-ets,bb-ets"}).json()
    assert set(data) == {"systems", "overall", "elements", "checklist"}
    assert data["systems"] == ["aa-ets", "bb-ets"] and data["overall"] == "aligned"
    assert {e["element"] for e in data["elements"]} >= {"cap_type", "offsets", "penalties", "price_floor"}


def test_api_intensity_system_gives_barrier(client, systems):
    data = client.get(API, {"systems": "aa-ets,ee-ets"}).json()
    assert next(e for e in data["elements"] if e["element"] == "cap_type")["status"] == "barrier"


@pytest.mark.parametrize(("systems_param", "status", "code"), [
    ("aa-ets,nope", 404, "not_found"),
    ("aa-ets", 400, "too_few_systems"),
    ("", 400, "too_few_systems"),
    ("aa-ets,bb-ets,cc-ets,dd-ets,ee-ets,ff-ets,gg-ets", 400, "too_many_systems"),
])
def test_api_errors_have_the_error_shape(client, systems, systems_param, status, code):
    response = client.get(API, {"systems": systems_param})
    assert response.status_code == status
    error = response.json()["error"]
    assert error["status"] == status and error["code"] == code and error["field"] == "systems"


def test_api_whatif_edit_and_invalid_edit(client, systems):
    data = client.get(API, {"systems": "aa-ets,bb-ets", "edit": "aa-ets:price_management.ceiling.exists=true"}).json()
    assert data["overall"] == "barrier"
    bad = client.get(API, {"systems": "aa-ets,bb-ets", "edit": "aa-ets:cap.type=enormous"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_edit"


def test_api_exchange_rates_make_prices_comparable(client, systems):
    edit = 'bb-ets:latest_prices=[{"value": 50, "currency": "GBP", "date": "2025-12-02", "basis": "auction"}]'
    without = client.get(API, {"systems": "aa-ets,bb-ets", "edit": edit}).json()
    with_fx = client.get(API, {"systems": "aa-ets,bb-ets", "edit": edit, "fx": "EUR:1,GBP:1.2"}).json()
    status = {d: next(e["status"] for e in d_["elements"] if e["element"] == "ambition") for d, d_ in [("no", without), ("fx", with_fx)]}
    assert status == {"no": "not_enough_data", "fx": "aligned"}


def test_html_report_is_self_contained(client, systems):
    response = client.get(reverse("linking:report_html"), {"systems": "aa-ets,bb-ets"})
    html = response.content.decode()
    assert response.status_code == 200 and "<svg" in html and "<style>" in html
    assert "https://example.org/bb-ets" in html and "Checklist by linking phase" in html


def test_pdf_report_first_page_is_not_blank_and_has_the_text(client, systems, tmp_path):
    if not (shutil.which("pdftoppm") and shutil.which("pdftotext")):
        pytest.skip("poppler-utils not installed (make browser installs it)")
    response = client.get(reverse("linking:report_pdf"), {"systems": "aa-ets,bb-ets"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(response.content)
    subprocess.run(["pdftoppm", "-f", "1", "-l", "1", "-r", "40", "-gray", str(pdf), str(tmp_path / "page")], check=True)
    image = next(tmp_path.glob("page*.pgm")).read_bytes()
    pixels = image.split(b"\n", 3)[3]  # P5 header: magic, size, max value
    dark = sum(1 for b in pixels if b < 200)
    assert dark > len(pixels) * 0.01, "page 1 is blank"
    text = subprocess.run(["pdftotext", "-l", "1", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    assert "Linking compatibility and readiness" in text and "Overall readiness: Aligned" in text
    everything = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    assert "https://example.org/aa-ets" in everything and "Checklist by linking phase" in everything


def test_real_pair_page_and_pdf_render_from_the_knowledge_base(client, seeded, tmp_path):
    """California and Québec from the curated data: the page names both, the PDF builds."""
    page = client.get(reverse("linking:compatibility"), {"systems": "ca-cat,qc-cat"})
    assert page.status_code == 200 and "SPEDE" in page.content.decode()
    pdf = client.get(reverse("linking:report_pdf"), {"systems": "ca-cat,qc-cat", "fx": "USD:1.4063,CAD:1"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    data = client.get(API, {"systems": "ca-cat,qc-cat", "fx": "USD:1.4063,CAD:1"}).json()
    ambition = next(e for e in data["elements"] if e["element"] == "ambition")
    assert ambition["status"] == "aligned" and "given in the request" in ambition["why"]


def test_page_without_trailing_slash_redirects_keeping_the_query(client, systems):
    response = client.get("/compatibility", {"systems": "aa-ets,bb-ets"})
    assert response.status_code == 301 and response.url == "/compatibility/?systems=aa-ets%2Cbb-ets"
