"""Importing into the database: atomic, idempotent, incremental; bad input imports nothing."""

from __future__ import annotations

import csv
import functools
import getpass
import http.server
import io
import threading
from pathlib import Path

import pytest
from django.db import IntegrityError, transaction
from typer.testing import CliRunner

from etsatlas.prices import PriceFileError
from etsatlas.prices.samples import sample_export
from etsatlas.web.prices.importing import import_bytes
from etsatlas.web.prices.models import Observation, PriceImport, RateSeries, Revision

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "icap-prices"
NEWER = SHARED / "icap_prices_20260227.csv"
OLDER = SHARED / "icap_prices_20260119.csv"
needs_exports = pytest.mark.skipif(not NEWER.exists() or not OLDER.exists(), reason="ICAP exports in ../shared absent")


def sample_lines() -> list[list[str]]:
    return list(csv.reader(sample_export().decode().splitlines()))


def to_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode()


def with_cell(line: int, column: int, value: str) -> bytes:
    rows = sample_lines()
    rows[line - 1][column - 1] = value
    return to_bytes(rows)


def nothing_stored() -> bool:
    return not (Observation.objects.exists() or PriceImport.objects.exists() or RateSeries.objects.exists())


def test_sample_import_stores_observations_with_provenance(db):
    report = import_bytes(sample_export(), "sample.csv")
    assert report.added == report.observations == Observation.objects.count() == 15
    record = PriceImport.objects.get()
    assert (record.file_name, record.sha256, record.layout) == ("sample.csv", report.sha256, "icap-2026")
    assert record.counts["eu-ets"] == {"primary": 4, "secondary": 2}
    ceiling = Observation.objects.get(system="qc-cat", series="price_ceiling", date="2024-05-15")
    assert (ceiling.value, ceiling.currency, ceiling.line, ceiling.column) == (120.4, "CAD", 6, 7)
    assert ceiling.source == "Québec Cap-and-Trade System / Primary Stability 4"
    with pytest.raises(IntegrityError), transaction.atomic():  # the unique key holds after a bulk load
        Observation.objects.create(system="qc-cat", series="price_ceiling", date="2024-05-15", market="primary", value=1,
                                   currency="CAD", source_import=record, line=1, column=1)
    nzd = RateSeries.objects.get(currency="NZD")
    rates = nzd.frame()
    assert rates["date"].dt.strftime("%Y-%m-%d").tolist() == ["2020-06-01", "2023-09-29"]
    assert (rates["eur_rate"].tolist(), rates["usd_rate"].tolist()) == ([0.56, 0.56], [0.61, 0.61])
    assert nzd.source_import_id == record.id
    assert report.rates_added == sum(len(s.dates) for s in RateSeries.objects.all()) == 8  # CAD 2, EUR 4, NZD 2


def test_reimport_of_the_same_file_changes_nothing(db):
    import_bytes(sample_export(), "sample.csv")
    before = list(Observation.objects.values_list("id", "value", "source_import_id"))
    again = import_bytes(sample_export(), "sample-copy.csv")
    assert again.already_imported and again.added == again.revised == 0
    assert list(Observation.objects.values_list("id", "value", "source_import_id")) == before
    assert PriceImport.objects.count() == 1 and not Revision.objects.exists()


def test_newer_file_adds_and_revises_only_what_changed(db):
    first = import_bytes(sample_export(), "old.csv")
    rows = sample_lines()
    row = next(r for r in rows if r[0] == "2024-05-15")
    row[4] = "44.5"  # Québec primary price revised
    rows.append(["2024-08-21", "0.68", "0.74", "CAD", "45", "", ""] + [" " if h.strip() == "" else "" for h in rows[1][7:]])
    newer = import_bytes(to_bytes(rows), "new.csv")
    assert (newer.added, newer.revised, newer.unchanged) == (1, 1, 14)
    revision = Revision.objects.get()
    assert (revision.previous_value, revision.value) == (44.0, 44.5)
    assert revision.previous_import_id == first.import_id and revision.price_import_id == newer.import_id
    obs = Observation.objects.get(system="qc-cat", series="price", date="2024-05-15")
    assert obs.value == 44.5 and obs.source_import_id == newer.import_id


def test_dry_run_reports_and_stores_nothing(db):
    report = import_bytes(sample_export(), "sample.csv", dry_run=True)
    assert report.added == 15 and report.import_id is None
    assert nothing_stored()


@needs_exports
def test_older_then_newer_export_is_incremental(db):
    older = import_bytes(OLDER.read_bytes(), OLDER.name)
    assert older.added == Observation.objects.count() == older.observations
    newer = import_bytes(NEWER.read_bytes(), NEWER.name)
    assert newer.added + newer.revised + newer.unchanged == newer.observations
    assert newer.added > 0 and newer.unchanged > 30000
    assert Observation.objects.count() == older.observations + newer.added
    assert Revision.objects.count() == newer.revised
    # Every stored value is the newer file's (what the older file alone had stays too).
    assert Observation.objects.filter(system="uk-ets").count() == sum(newer.counts["uk-ets"].values())
    again = import_bytes(NEWER.read_bytes(), NEWER.name)
    assert again.already_imported and Observation.objects.count() == older.observations + newer.added


def test_failure_part_way_through_the_writes_keeps_the_previous_data(transactional_db, monkeypatch):
    """The bulk writes share the import's transaction: a failure after them (here the audit
    record) rolls back observations, revisions and rates, and the previous import stays whole."""
    import etsatlas.web.prices.importing as importing

    first = import_bytes(sample_export(), "old.csv")
    before = list(Observation.objects.order_by("id").values_list("id", "value", "source_import_id"))
    rates_before = [(s.currency, s.dates.tolist(), s.source_import_id) for s in RateSeries.objects.order_by("id")]
    rows = sample_lines()
    next(r for r in rows if r[0] == "2024-05-15")[4] = "44.5"  # a revision
    rows.append(["2024-08-21", "0.68", "0.74", "CAD", "45", "", ""] + [" " if h.strip() == "" else "" for h in rows[1][7:]])

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(importing, "audit", fail)
    with pytest.raises(RuntimeError, match="disk full"):
        import_bytes(to_bytes(rows), "new.csv")
    assert list(Observation.objects.order_by("id").values_list("id", "value", "source_import_id")) == before
    assert [(s.currency, s.dates.tolist(), s.source_import_id) for s in RateSeries.objects.order_by("id")] == rates_before
    assert list(PriceImport.objects.values_list("id", flat=True)) == [first.import_id]
    assert not Revision.objects.exists()


def test_failed_first_import_keeps_the_unique_key(transactional_db, monkeypatch):
    """A first import loads in bulk (on PostgreSQL with the unique key rebuilt after the load);
    failing after the load leaves an empty database whose key still holds."""
    import etsatlas.web.prices.importing as importing

    monkeypatch.setattr(importing, "audit", lambda *args, **kwargs: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        import_bytes(sample_export(), "sample.csv")
    assert nothing_stored()
    monkeypatch.undo()
    record = PriceImport.objects.get(id=import_bytes(sample_export(), "sample.csv").import_id)
    with pytest.raises(IntegrityError), transaction.atomic():
        Observation.objects.create(system="qc-cat", series="price_ceiling", date="2024-05-15", market="primary", value=1,
                                   currency="CAD", source_import=record, line=1, column=1)


# -- bad input: a precise error, nothing imported ------------------------------------------------

def _bad(data: bytes, name: str = "bad.csv", **options) -> PriceFileError:
    with pytest.raises(PriceFileError) as info:
        import_bytes(data, name, **options)
    assert nothing_stored()
    return info.value


def test_empty_file_is_rejected(db):
    error = _bad(b"")
    assert [p.code for p in error.problems] == ["empty_file"]


def test_file_with_only_headers_is_rejected(db):
    error = _bad(to_bytes(sample_lines()[:2]))
    assert [p.code for p in error.problems] == ["no_data"]


def test_truncated_row_is_rejected_with_its_line(db):
    rows = sample_lines()
    rows[4] = rows[4][:10]
    error = _bad(to_bytes(rows))
    assert [(p.code, p.line) for p in error.problems] == [("truncated_row", 5)]
    assert "10 fields" in error.problems[0].message


def test_non_numeric_price_is_rejected_with_line_column_and_header(db):
    error = _bad(with_cell(4, 5, "42,5 CAD"))
    problem = error.problems[0]
    assert (problem.code, problem.line, problem.column) == ("bad_number", 4, 5)
    assert problem.field == "Québec Cap-and-Trade System / Primary Market"
    assert "'42,5 CAD' is not a number" in problem.message


def test_every_bad_cell_is_listed(db):
    rows = sample_lines()
    rows[3][4] = "n/a"
    rows[5][5] = "x"
    error = _bad(to_bytes(rows))
    assert [(p.code, p.line, p.column) for p in error.problems] == [("bad_number", 4, 5), ("bad_number", 6, 6)]


def test_impossible_date_is_rejected(db):
    error = _bad(with_cell(4, 1, "2024-02-30"))
    assert [(p.code, p.line, p.column) for p in error.problems] == [("bad_date", 4, 1)]
    assert "'2024-02-30' is not a date in the format %Y-%m-%d" in error.problems[0].message


def test_same_date_twice_with_different_values_is_rejected(db):
    rows = sample_lines()
    copy = list(next(r for r in rows if r[0] == "2024-05-15"))
    copy[4] = "45"
    rows.append(copy)
    error = _bad(to_bytes(rows))
    problem = error.problems[0]
    assert problem.code == "duplicate_date" and problem.line == len(rows) and problem.column == 5
    assert "2024-05-15 appears on lines 6, 10 with different values (44, 45)" in problem.message


def test_same_date_twice_with_same_values_is_counted_once(db):
    rows = sample_lines()
    rows.append(list(next(r for r in rows if r[0] == "2024-05-15")))
    report = import_bytes(to_bytes(rows), "twice.csv")
    assert report.observations == 15
    assert "duplicate_rows" in {w["code"] for w in report.warnings}


def test_unknown_system_is_reported_and_nothing_imported(db):
    rows = sample_lines()
    rows[0][1] = "Atlantis Cap-and-Trade System"
    error = _bad(to_bytes(rows))
    problem = error.problems[0]
    assert (problem.code, problem.line, problem.column) == ("unknown_system", 1, 2)
    assert "Atlantis Cap-and-Trade System" in problem.message


def test_unknown_system_can_be_skipped_with_a_warning(db):
    rows = sample_lines()
    rows[0][1] = "Atlantis Cap-and-Trade System"
    report = import_bytes(to_bytes(rows), "skip.csv", skip_unknown=True)
    assert "qc-cat" not in report.counts
    assert [w["code"] for w in report.warnings] == ["skipped_system"]


@pytest.mark.parametrize(("data", "code"), [
    (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 100, "not_csv"),
    (b"<!DOCTYPE html><html><body>Not found</body></html>", "not_csv"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "not_csv"),
    (b"just some words\nwithout any structure\n", "bad_header"),
])
def test_file_that_is_not_a_csv_export_is_rejected(db, data, code):
    error = _bad(data)
    assert [p.code for p in error.problems] == [code]


@pytest.mark.parametrize("data", [
    sample_export().decode().encode("utf-16"),
    sample_export().decode().encode("utf-8").decode("cp1252", errors="replace").encode("utf-8"),
], ids=["utf-16", "double-encoded"])
def test_wrong_encoding_is_rejected(db, data):
    error = _bad(data)
    assert [p.code for p in error.problems] == ["encoding"]


def test_tidy_csv_imports_and_reports_bad_cells(db):
    good = b"system,date,market,series,value,currency\neu-ets,2024-01-02,secondary,price,78.5,EUR\n"
    assert import_bytes(good, "tidy.csv").added == 1
    bad = b"system,date,market,series,value,currency\nEU ETS,2024-13-01,spot,price,abc,euro\n"
    with pytest.raises(PriceFileError) as info:
        import_bytes(bad, "tidy-bad.csv")
    assert [(p.code, p.column) for p in info.value.problems] == [
        ("bad_value", 1), ("bad_date", 2), ("bad_value", 3), ("bad_number", 5), ("bad_currency", 6),
    ]
    assert Observation.objects.count() == 1


# -- CLI ------------------------------------------------------------------------------------------

@pytest.fixture
def cli(transactional_db):
    from etsatlas.cli.main import app

    runner = CliRunner()
    return lambda *args: runner.invoke(app, ["prices", *args])


def test_cli_import_json_and_error_exit(cli, tmp_path):
    path = tmp_path / "sample.csv"
    path.write_bytes(sample_export())
    result = cli("import", str(path), "--json")
    assert result.exit_code == 0, result.output
    assert '"added": 15' in result.output
    bad = tmp_path / "bad.csv"
    bad.write_bytes(with_cell(4, 1, "31/02/2024"))
    result = cli("import", str(bad))
    assert result.exit_code == 1
    assert "bad.csv, line 4, column 1 (Date)" in result.output


class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def http_server(tmp_path):
    (tmp_path / "export.csv").write_bytes(sample_export())
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Handler, directory=str(tmp_path)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


def test_fetch_icap_downloads_then_imports(cli, http_server):
    result = cli("fetch-icap", "--url", f"{http_server}/export.csv", "--json")
    assert result.exit_code == 0, result.output
    assert PriceImport.objects.get().file_name == "export.csv"
    assert Observation.objects.count() == 15


def test_fetch_icap_reports_an_unreachable_url(cli, http_server):
    result = cli("fetch-icap", "--url", f"{http_server}/missing.csv")
    assert result.exit_code == 1
    assert "cannot download" in result.output and nothing_stored()


def test_import_is_recorded_in_the_audit_log(db):
    from etsatlas.web.accounts.models import AuditEntry

    report = import_bytes(sample_export(), "sample.csv")
    entry = AuditEntry.objects.get(action="prices.import")
    assert entry.target_id == str(report.import_id) and entry.details["added"] == 15
    # No web request: the change is the operating-system account's, not anonymous.
    assert entry.actor is None and entry.actor_name == f"command line ({getpass.getuser()})"


def test_tidy_csv_system_must_be_in_the_knowledge_base_once_seeded(seeded):
    with pytest.raises(PriceFileError) as info:
        import_bytes(b"system,date,market,series,value,currency\natlantis-ets,2024-01-02,secondary,price,5,EUR\n", "t.csv")
    assert [(p.code, p.line, p.column) for p in info.value.problems] == [("unknown_system", 2, 1)]
    assert import_bytes(b"system,date,market,series,value,currency\neu-ets,2024-01-02,secondary,price,5,EUR\n", "u.csv").added == 1


def test_cli_lists_imports_and_levels(cli, tmp_path):
    path = tmp_path / "sample.csv"
    path.write_bytes(sample_export())
    assert cli("import", str(path)).exit_code == 0
    listed = cli("imports", "--json")
    assert listed.exit_code == 0 and '"file": "sample.csv"' in listed.output
    levels = cli("levels", "--json")
    assert levels.exit_code == 0 and '"level": "fixed_price_option"' in levels.output
