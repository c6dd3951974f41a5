"""The curated seed data: every record valid, faithful to the reference compilation, seeded atomically."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml
from pydantic import BaseModel

from etsatlas.schema import Factsheet
from etsatlas.schema.fact import Fact
from etsatlas.schema.loading import DATA_DIR, FactsheetError, load_factsheets
from etsatlas.schema.vocab import LinkType, Section

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "ets-facts.yaml"

BAD_RECORD = """\
id: bad-ets
name: Bad Emissions Trading System
jurisdictions: [Nowhere]
level: national
region: europe
status:
  current: in_force
cap:
  values:
    - year: 2025
      value: lots
as_of: 2026-03-22
sources:
  - {url: "https://example.org/bad-ets", as_of: 2026-03-22}
"""


@pytest.fixture(scope="module")
def reference() -> dict[str, dict]:
    """The reference compilation by system id; tests comparing with it skip when it is absent."""
    if not REFERENCE.exists():
        pytest.skip(f"reference file {REFERENCE} not available")
    return {s["id"]: s for s in yaml.safe_load(REFERENCE.read_text(encoding="utf-8"))}


def _has_uncertain(value: object) -> bool:
    """True when the reference entry marks anything `uncertain: true` (or a `*_uncertain` flag)."""
    if isinstance(value, dict):
        flagged = any(
            v is True and (k == "uncertain" or k.endswith("_uncertain")) for k, v in value.items()
        )
        return flagged or any(_has_uncertain(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_uncertain(v) for v in value)
    return False


def _uncertain_marks(obj: object) -> int:
    """Count the uncertainty marks in a factsheet: uncertain facts and `*uncertain` flags."""
    if isinstance(obj, Fact):
        return int(obj.uncertain)
    if isinstance(obj, BaseModel):
        own = sum(
            1
            for name in type(obj).model_fields
            if name.endswith("uncertain") and getattr(obj, name) is True
        )
        return own + sum(
            _uncertain_marks(getattr(obj, name))
            for name in type(obj).model_fields
            if not name.endswith("uncertain")
        )
    if isinstance(obj, list):
        return sum(_uncertain_marks(v) for v in obj)
    return 0


def test_every_curated_record_validates(factsheets):
    assert len(factsheets) == len(list(DATA_DIR.glob("*.yaml")))
    assert all(isinstance(s, Factsheet) for s in factsheets)


def test_seed_ids_match_the_reference_ids(factsheets, reference):
    assert sorted(s.id for s in factsheets) == sorted(reference)


def test_seed_statuses_match_the_reference(factsheets, reference):
    expected = Counter(s["status"] for s in reference.values())
    assert Counter(s.status.current.value for s in factsheets) == expected
    for sheet in factsheets:
        assert sheet.status.current.value == reference[sheet.id]["status"], sheet.id


def test_every_source_is_a_web_url_with_an_as_of_date(factsheets):
    for sheet in factsheets:
        assert sheet.as_of, sheet.id
        for source in sheet.sources:
            assert source.url.scheme in {"http", "https"}, (sheet.id, str(source.url))
            assert source.as_of, (sheet.id, str(source.url))


def test_every_section_of_every_factsheet_has_a_source(factsheets):
    for sheet in factsheets:
        missing = [section.value for section in Section if not sheet.sources_for(section)]
        assert missing == [], f"{sheet.id}: no source for {missing}"


def test_two_way_links_are_declared_by_both_partners(factsheets):
    by_id = {s.id: s for s in factsheets}
    for sheet in factsheets:
        for link in sheet.links:
            if link.type is LinkType.TWO_WAY:
                back = [other for other in by_id[link.partner].links if other.partner == sheet.id]
                assert [other.type for other in back] == [LinkType.TWO_WAY], (
                    sheet.id,
                    link.partner,
                )


def test_every_reference_source_is_kept(factsheets, reference):
    for sheet in factsheets:
        ours = {str(s.url) for s in sheet.sources}
        for url in reference[sheet.id]["sources"]:
            # pydantic normalises a bare host to end in "/"; compare both spellings.
            assert url in ours or url + "/" in ours, (sheet.id, url)


def test_reference_uncertainty_is_preserved(factsheets, reference):
    for sheet in factsheets:
        if _has_uncertain(reference[sheet.id]):
            assert _uncertain_marks(sheet) > 0, (
                f"{sheet.id}: the reference marks values uncertain, the factsheet none"
            )


def test_bad_record_error_names_file_line_system_and_field(tmp_path):
    bad = tmp_path / "bad-ets.yaml"
    bad.write_text(BAD_RECORD, encoding="utf-8")
    with pytest.raises(FactsheetError) as caught:
        load_factsheets([bad])
    [problem] = caught.value.problems
    assert problem.file.endswith("bad-ets.yaml")
    assert problem.line == 11
    assert problem.system == "bad-ets"
    assert problem.field == "cap.values[0].value"
    message = str(caught.value)
    assert (
        "bad-ets.yaml:11" in message and "[bad-ets]" in message and "cap.values[0].value" in message
    )


def test_seed_writes_nothing_when_a_record_is_invalid(db, tmp_path, monkeypatch):
    from etsatlas.schema import loading
    from etsatlas.web.atlas.models import System
    from etsatlas.web.atlas.seeding import seed_systems

    for name in ("eu-ets.yaml", "ch-ets.yaml"):
        (tmp_path / name).write_text(
            (DATA_DIR / name).read_text(encoding="utf-8"), encoding="utf-8"
        )
    (tmp_path / "bad-ets.yaml").write_text(BAD_RECORD, encoding="utf-8")
    monkeypatch.setattr(loading, "DATA_DIR", tmp_path)
    before = System.objects.count()
    with pytest.raises(FactsheetError, match=r"cap\.values\[0\]\.value"):
        seed_systems()
    assert System.objects.count() == before


def test_seeding_twice_changes_nothing(db, factsheets):
    from etsatlas.web.atlas.models import System
    from etsatlas.web.atlas.seeding import seed_systems

    first = seed_systems(factsheets)
    assert len(first.created) == len(factsheets)
    second = seed_systems(factsheets)
    assert (second.created, second.updated) == ([], [])
    assert len(second.unchanged) == len(factsheets)
    assert System.objects.count() == len(factsheets)
