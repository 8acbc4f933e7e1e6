"""Migrations, idempotent loads and superseding on a real DuckDB file."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

import warehouse
from nianbao.records import (
    CheckResult,
    ExtractedReport,
    FetchedFile,
    FetchFailure,
    ReportToLoad,
)
from tests.conftest import real_truth
from tests.expectations.test_relations import report_from_truth
from warehouse import Warehouse
from warehouse.migrate import migration_files, view_files


def _fetched(sha: str, url: str = "http://127.0.0.1/r.pdf") -> FetchedFile:
    return FetchedFile(url, sha * 4, f"/tmp/{sha}.pdf", 1, datetime.now(UTC))


def _load(
    db: Path,
    fetched: FetchedFile,
    report: ExtractedReport,
    checks: tuple[CheckResult, ...],
    run_id: str,
) -> bool:
    with Warehouse.open(db) as store:
        return store.load_report(fetched, report, checks, run_id)


def _rows(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_migrations_apply_once(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with Warehouse.open(db) as store, store.connection() as con:
        first = [
            r[0] for r in con.execute("SELECT name FROM schema_migrations ORDER BY id").fetchall()
        ]
        assert warehouse.apply_migrations(con) == []
    assert first == [name for _, name, _ in migration_files()]
    assert first[:2] == ["001_tables.sql", "002_views.sql"] and len(first) >= 5
    views = {r[0] for r in _rows(db, "SELECT view_name FROM duckdb_views() WHERE NOT internal")}
    assert {
        "reports",
        "application_stats",
        "review_stats",
        "disclosure_stats",
        "dq_results",
    } <= views


@pytest.mark.parametrize(("name", "sql"), view_files())
def test_each_view_file_defines_its_view_and_no_migration_does(name: str, sql: str) -> None:
    assert f"CREATE OR REPLACE VIEW {name} AS" in sql
    assert not any(f"VIEW {name} " in m for _, _, m in migration_files())
    con = duckdb.connect(":memory:")
    warehouse.apply_migrations(con)
    assert con.execute(f"SELECT count(*) FROM {name}").fetchone() == (0,)


def test_a_warehouse_migrated_before_takes_the_current_views(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with Warehouse.open(db) as store, store.connection() as con:
        con.execute("CREATE OR REPLACE VIEW reports AS SELECT report_id FROM report_files")
    con = duckdb.connect(str(db))
    try:
        warehouse.apply_migrations(con)
        columns = [r[0] for r in con.execute("DESCRIBE reports").fetchall()]
    finally:
        con.close()
    assert "agency_id" in columns and "fetched_from" in columns


def test_load_is_idempotent_per_file(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    report = report_from_truth(real_truth("hongze-district-2024"))
    checks = (CheckResult("R1", True, "error"),)
    assert _load(db, _fetched("a" * 16), report, checks, "run1") is True
    assert _load(db, _fetched("a" * 16), report, checks, "run2") is False
    assert _rows(db, "SELECT count(*) FROM application_stats") == [(161,)]
    assert _rows(db, "SELECT count(*) FROM dq_results") == [(1,)]


def test_newer_file_supersedes_older_for_same_body_and_year(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    truth = real_truth("hongze-district-2024")
    old = report_from_truth(truth)
    fixed = report_from_truth(truth, {("application", "1", "natural_person"): 96})
    _load(db, _fetched("1" * 16), old, (), "run1")
    _load(db, _fetched("2" * 16), fixed, (), "run2")
    statuses = dict(_rows(db, "SELECT sha256, status FROM reports"))
    assert statuses == {"1" * 64: "superseded", "2" * 64: "loaded"}
    assert _rows(
        db,
        "SELECT value FROM application_stats WHERE row_code = '1' AND applicant_code = 'natural_person'",
    ) == [(96,)]


def test_a_batch_loads_like_one_report_at_a_time(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    truth = real_truth("hongze-district-2024")
    first = report_from_truth(truth)
    second = report_from_truth(truth, {("application", "1", "natural_person"): 95})
    third = report_from_truth(truth, {("application", "1", "natural_person"): 96})
    other = report_from_truth(real_truth("huaian-city-2024"))
    _load(db, _fetched("1" * 16), first, (), "run1")
    failed = CheckResult("R3", False, "error", ({"row": "1"},), "does not add up")
    batch = [
        ReportToLoad(_fetched("2" * 16), second, (failed,), first.agency),
        ReportToLoad(_fetched("1" * 16), first, (), first.agency),  # recorded by run1
        ReportToLoad(_fetched("4" * 16), other, (CheckResult("R1", True, "error"),), other.agency),
        ReportToLoad(_fetched("3" * 16), third, (), first.agency),
        ReportToLoad(_fetched("3" * 16), third, (), first.agency),  # the same file twice
    ]
    with Warehouse.open(db) as store:
        assert store.load_reports(batch, "run2") == [True, False, True, True, False]
    # each older file is replaced by the next one loaded after it, the newest stays
    assert _rows(db, "SELECT left(sha256, 1), status, reason FROM reports ORDER BY 1") == [
        ("1", "superseded", "replaced by newer file " + "2" * 16),
        ("2", "superseded", "replaced by newer file " + "3" * 16),
        ("3", "loaded", None),
        ("4", "loaded", None),
    ]
    assert _rows(
        db,
        "SELECT value FROM application_stats WHERE row_code = '1' "
        f"AND applicant_code = 'natural_person' AND agency = '{first.agency}'",
    ) == [(96,)]
    cells = dict(_rows(db, "SELECT left(report_id, 1), count(*) FROM report_cells GROUP BY 1"))
    assert cells == {
        "1": len(first.cells),
        "2": len(second.cells),
        "3": len(third.cells),
        "4": len(other.cells),
    }
    assert _rows(db, "SELECT report_id, check_id, success FROM dq_checks ORDER BY 1") == [
        ("2" * 16, "R3", False),
        ("4" * 16, "R1", True),
    ]
    assert _rows(db, "SELECT finding_key FROM alerts") == [("2" * 16 + "/R3",)]


def test_quarantine_keeps_reason_and_url(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    failure = FetchFailure("http://127.0.0.1/gone.pdf", "dead link: HTTP 404", datetime.now(UTC))
    with Warehouse.open(db) as store:
        assert store.quarantine_report(failure, failure.reason, "run1") is True
        assert store.quarantine_report(failure, failure.reason, "run2") is False
    assert _rows(db, "SELECT status, reason, source_url FROM reports") == [
        ("quarantined", "dead link: HTTP 404", "http://127.0.0.1/gone.pdf")
    ]


def test_disclosure_fee_keeps_its_decimals(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    _load(db, _fetched("3" * 16), report_from_truth(real_truth("hongze-district-2023")), (), "r")
    assert _rows(
        db,
        "SELECT CAST(value AS VARCHAR) FROM disclosure_stats WHERE item_code = 'administrative_fees'",
    ) == [("7730.280000",)]


def test_one_warehouse_one_connection_its_cursors_on_other_threads(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    clean = report_from_truth(real_truth("huaian-city-2024"))
    with Warehouse.open(db) as store:
        with store.connection() as first, store.connection() as second:
            assert first is second
        assert store.load_report(_fetched("a"), clean, (), "run1")
        seen: list[tuple[int, bool]] = []

        def count_elsewhere() -> None:  # another thread gets a cursor of the same database
            with store.connection() as con:
                seen.append((_count(con), con is first))

        worker = threading.Thread(target=count_elsewhere)
        worker.start()
        worker.join()
        assert seen == [(1, False)]
    assert _rows(db, "SELECT count(*) FROM report_files") == [(1,)]  # closed: others may open it


def test_a_transaction_that_fails_leaves_nothing(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with Warehouse.open(db) as store:
        with pytest.raises(duckdb.Error), store.transaction() as con:
            con.execute("INSERT INTO runs (run_id, source, started_at) VALUES ('r', 's', now())")
            con.execute("INSERT INTO no_such_table VALUES (1)")
        assert store.rows("SELECT count(*) FROM runs") == [(0,)]


def _count(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute("SELECT count(*) FROM report_files").fetchone()
    assert row is not None
    return int(row[0])


OLD_CLIENT = Path(__file__).resolve().parents[2] / ".venv-duckdb14" / "bin" / "python"


def _read_with_duckdb_14(db: Path, sql: str) -> str:
    """`sql` on `db` by a DuckDB 1.4 client (`make old-duckdb` installs it beside .venv)."""
    import subprocess

    assert OLD_CLIENT.exists(), f"{OLD_CLIENT} is missing: `make old-duckdb` installs it"
    script = (
        "import duckdb, sys; con = duckdb.connect(sys.argv[1], read_only=True); "
        "print(duckdb.__version__, con.execute(sys.argv[2]).fetchall())"
    )
    done = subprocess.run(
        [str(OLD_CLIENT), "-c", script, str(db), sql], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-500:]
    return done.stdout.strip()


def test_a_duckdb_14_client_opens_the_warehouse_and_reads_its_views(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with warehouse.working_copy(db) as work:
        _load(
            work,
            _fetched("a" * 16),
            report_from_truth(real_truth("hongze-district-2024")),
            (),
            "r1",
        )
    out = _read_with_duckdb_14(db, "SELECT count(*) FROM reports")
    assert out.startswith("1.4.") and out.endswith("[(1,)]")


def test_a_warehouse_written_in_duckdbs_2_format_is_rewritten_once_for_older_clients(
    tmp_path: Path,
) -> None:
    from warehouse.migrate import apply_migrations
    from warehouse.publish import storage_format

    db = tmp_path / "w.duckdb"
    con = duckdb.connect(str(db))  # as nianbao wrote it before: DuckDB 2.0's own format
    apply_migrations(con)
    con.close()
    _load(db, _fetched("b" * 16), report_from_truth(real_truth("hongze-district-2024")), (), "r1")
    assert storage_format(db) > 67
    with warehouse.working_copy(db) as work:  # the load sequence goes on from where it was
        _load(work, _fetched("c" * 16), report_from_truth(real_truth("huaian-city-2024")), (), "r2")
    assert storage_format(db) <= 67
    assert _read_with_duckdb_14(db, "SELECT count(*) FROM reports").endswith("[(2,)]")
    seqs = _read_with_duckdb_14(db, "SELECT count(DISTINCT load_seq) FROM report_files")
    assert seqs.endswith("[(2,)]")


def test_the_night_a_file_was_last_asked_moves_only_when_it_is_asked(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    report = report_from_truth(real_truth("hongze-district-2024"))
    asked = replace(_fetched("c" * 16, "http://127.0.0.1/a.pdf"), etag='"a"')
    resting = replace(_fetched("c" * 16, "http://127.0.0.1/b.pdf"), etag='"b"')
    _load(db, asked, report, (), "r1")
    with Warehouse.open(db) as store:
        store.remember_fetches([asked, resting], 740_000)
        store.remember_fetches(
            [replace(asked, not_modified=True), replace(resting, not_modified=True, resting=True)],
            740_007,
        )
        nights = {url: c.checked_on for url, c in store.fetch_cache().items()}
        store.remember_walks(["http://127.0.0.1/col/"], 740_000)
        store.remember_walks(["http://127.0.0.1/col/"], 740_007)
        walks = store.last_walks()
    assert nights == {asked.url: 740_007, resting.url: 740_000}  # a 304 is an asking
    assert walks == {"http://127.0.0.1/col/": 740_007}


def test_a_warehouse_from_before_the_rotations_knows_its_walks_and_askings(tmp_path: Path) -> None:
    """Migration 009 on a warehouse that had crawled: its columns count as walked, and its
    files as asked, on the day they were last read (not due again within a period)."""
    con = duckdb.connect(":memory:")
    files = [(n, name, sql) for n, name, sql in migration_files() if n < 9]
    con.execute("CREATE TABLE schema_migrations (id INTEGER, name VARCHAR, applied_at TIMESTAMPTZ)")
    for n, name, sql in files:
        con.execute(sql)
        con.execute("INSERT INTO schema_migrations VALUES (?, ?, now())", [n, name])
    at = datetime(2026, 11, 30, 22, tzinfo=UTC)
    con.execute(
        "INSERT INTO crawl_items VALUES ('http://h/col/a.html', 't', [], '[]', 'http://h/col/', ?)",
        [at],
    )
    con.execute("INSERT INTO fetch_cache VALUES ('http://h/col/a.pdf', 's', 'e', '', ?)", [at])
    warehouse.apply_migrations(con)
    assert con.execute("SELECT listing, walked_on FROM listing_walks").fetchall() == [
        ("http://h/col/", at.date())
    ]
    assert con.execute("SELECT checked_on FROM fetch_cache").fetchall() == [(at.date(),)]
