"""Loading into DuckDB: one short transaction per report, keyed by the file's sha256."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from nianbao.errors import EnvironmentBroken
from nianbao.records import (
    CachedFetch,
    CheckResult,
    ExtractedReport,
    FetchedFile,
    FetchFailure,
    Finding,
    ReportToLoad,
    RunSummary,
    SkippedItem,
)
from warehouse.migrate import apply_migrations, query


@contextmanager
def open_warehouse(db_path: str | Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A migrated read-write connection, held only as long as the `with` block.

    Inside `held_open(db_path)` the held connection is reused (a cursor of it, on another
    thread) instead of opening the file again.
    """
    path = Path(db_path)
    held = _HELD.get(path.resolve())
    if held is not None:
        con, owner = held
        if owner == threading.get_ident():
            yield con
        else:  # a DuckDB connection is not shared between threads; its cursors are
            with con.cursor() as cursor:
                yield cursor
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(path))
    except (duckdb.Error, OSError) as err:
        raise EnvironmentBroken(f"warehouse {path} cannot be opened for writing: {err}") from err
    try:
        try:
            _migrate_once(con, path)
        except duckdb.Error as err:
            raise EnvironmentBroken(f"warehouse {path} cannot be migrated: {err}") from err
        yield con
    finally:
        con.close()


_MIGRATED: set[Path] = set()
_HELD: dict[Path, tuple[duckdb.DuckDBPyConnection, int]] = {}


@contextmanager
def held_open(db_path: str | Path) -> Iterator[None]:
    """Keep one connection to `db_path` for the block, for every function here to reuse.

    Opening a DuckDB file costs milliseconds, and a run opened it a hundred times.
    Hold it only on a file no reader opens, such as the run's working copy (publish.py).
    """
    key = Path(db_path).resolve()
    with open_warehouse(db_path) as con:
        _HELD[key] = (con, threading.get_ident())
        try:
            yield
        finally:
            del _HELD[key]


def _migrate_once(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Migrations are checked the first time this process opens a file, not on every load."""
    key = path.resolve()
    if key not in _MIGRATED:
        apply_migrations(con)
        _MIGRATED.add(key)


def forget_migrations(path: Path) -> None:
    """The file at `path` was replaced (a new working copy): check its migrations again."""
    _MIGRATED.discard(path.resolve())


def verify(db_path: str | Path, shown_as: str | Path | None = None) -> None:
    """Read every block of every table, so that a damaged warehouse (cut short, junk in a
    block: DuckDB checks each block's checksum as it reads it) stops the run before the
    night's work rather than at its end (~20 ms per 300k rows). Read-only: a missing file
    is fine (a first run), and a file another process holds is left to the run's lock."""
    path = Path(db_path)
    if not path.exists():
        return
    damaged = f"warehouse {shown_as or path} is damaged"
    advice = "restore it from a backup or move it aside; nothing was changed"
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.IOException as err:
        if "lock" in str(err).lower():
            return
        raise EnvironmentBroken(f"{damaged} ({err}): {advice}") from err
    except duckdb.Error as err:
        raise EnvironmentBroken(f"{damaged} ({err}): {advice}") from err
    try:
        tables = con.execute("SELECT table_name FROM duckdb_tables() WHERE NOT internal").fetchall()
        for (table,) in tables:
            con.execute(f'SELECT sum(hash(COLUMNS(*))) FROM "{table}"').fetchall()
    except duckdb.Error as err:
        raise EnvironmentBroken(f"{damaged} ({err}): {advice}") from err
    finally:
        con.close()


def known_report_ids(db_path: str | Path) -> set[str]:
    """Reports already recorded (loaded, superseded or quarantined): a run skips them."""
    with open_warehouse(db_path) as con:
        return {r[0] for r in con.execute("SELECT report_id FROM report_files").fetchall()}


def start_run(db_path: str | Path, run_id: str, source: str) -> None:
    with open_warehouse(db_path) as con:
        con.execute(
            "INSERT INTO runs (run_id, source, started_at) VALUES (?, ?, ?)",
            [run_id, source, datetime.now(UTC)],
        )


def finish_run(db_path: str | Path, summary: RunSummary, outcome: str, message: str = "") -> None:
    with open_warehouse(db_path) as con:
        con.execute(
            """UPDATE runs SET finished_at = ?, outcome = ?, files_found = ?, loaded = ?,
                   unchanged = ?, quarantined = ?, failed_checks = ?, message = ?,
                   page_limit_reached = ?, skipped = ?
               WHERE run_id = ?""",
            [
                datetime.now(UTC),
                outcome,
                len(summary.outcomes),
                summary.count("loaded"),
                summary.count("unchanged"),
                summary.count("quarantined"),
                summary.failed_checks,
                message,
                summary.page_limit_reached,
                len(summary.skipped_items),
                summary.run_id,
            ],
        )


def record_skips(db_path: str | Path, run_id: str, source: str, items: list[SkippedItem]) -> None:
    """What the crawl saw and did not take, with why (view skipped_items)."""
    if not items:
        return
    frame = pd.DataFrame(
        {
            "url": [i.url for i in items],
            "title": [i.title or None for i in items],
            "reason": [i.reason for i in items],
        }
    )
    with open_warehouse(db_path) as con, _transaction(con), _registered(con, "skips", frame):
        con.execute(
            """INSERT INTO crawl_skips (run_id, source, url, title, reason, seen_at)
               SELECT ?, ?, url, title, reason, ? FROM skips""",
            [run_id, source, datetime.now(UTC)],
        )


def load_report(
    db_path: str | Path,
    fetched: FetchedFile,
    report: ExtractedReport,
    checks: tuple[CheckResult, ...],
    run_id: str,
    agency_id: str | None = None,
) -> bool:
    """Record one report, its cells and its checks; False if this file was loaded before."""
    item = ReportToLoad(fetched, report, checks, agency_id or report.agency)
    return load_reports(db_path, [item], run_id)[0]


def load_reports(db_path: str | Path, items: list[ReportToLoad], run_id: str) -> list[bool]:
    """Record a batch of reports in one transaction, each with its cells, pieces and checks;
    per item, False where that file was recorded before (or earlier in the batch).

    Set-based (a frame per table): a statement per report cost the flow's process seconds
    on a hundred reports.
    """
    if not items:
        return []
    with open_warehouse(db_path) as con, _transaction(con):
        fresh = _not_recorded(con, [i.source.report_id for i in items])
        new = [item for item, is_new in zip(items, fresh, strict=True) if is_new]
        if new:
            _insert_report_files(con, new, run_id)
            _insert_cells(con, new)
            _insert_pieces(con, new)
            _insert_checks(con, run_id, [(i.source.report_id, c) for i in new for c in i.checks])
            _supersede_older(con, [i.source.report_id for i in new])
        return fresh


def _not_recorded(con: duckdb.DuckDBPyConnection, ids: list[str]) -> list[bool]:
    """Per report id: not in the warehouse yet, nor earlier in `ids`."""
    rows = con.execute(
        "SELECT report_id FROM report_files WHERE report_id IN (SELECT unnest(?))", [ids]
    ).fetchall()
    seen = {r[0] for r in rows}
    fresh = []
    for report_id in ids:
        fresh.append(report_id not in seen)
        seen.add(report_id)
    return fresh


def _insert_report_files(
    con: duckdb.DuckDBPyConnection, items: list[ReportToLoad], run_id: str
) -> None:
    # load_seq orders the files of one body and year (the newest wins): numbers taken from
    # the sequence, then handed out in the batch's order.
    taken = con.execute("SELECT nextval('report_load_seq') FROM range(?)", [len(items)]).fetchall()
    now = datetime.now(UTC)
    files = pd.DataFrame(
        {
            "report_id": [i.source.report_id for i in items],
            "sha256": [i.source.sha256 for i in items],
            "source_url": [i.source.url for i in items],
            "agency": [i.report.agency for i in items],
            "agency_id": [i.agency_id for i in items],
            "year": [i.report.year for i in items],
            "fetched_at": [i.source.fetched_at for i in items],
            "loaded_at": now,
            "load_seq": sorted(r[0] for r in taken),
            "pages": [i.report.pages for i in items],
            "form_rows": [i.report.form_rows for i in items],
            "method": [i.report.method for i in items],
            "run_id": run_id,
            "fetched_from": [i.source.final_url or None for i in items],
        }
    )
    with _registered(con, "new_files", files):
        con.execute(
            """INSERT INTO report_files (report_id, sha256, source_url, agency, agency_id, year,
                   status, fetched_at, loaded_at, load_seq, pages, form_rows, method, run_id,
                   fetched_from)
               SELECT report_id, sha256, source_url, agency, agency_id, year, 'loaded',
                      fetched_at, loaded_at, load_seq, pages, form_rows, method, run_id,
                      fetched_from
               FROM new_files"""
        )


def retire_failures(db_path: str | Path, fetched: list[FetchedFile]) -> None:
    """URLs that gave a file this run: each one's record as a failed link (dead, or a
    transient failure of an earlier night) goes with its alert, and a file quarantined from
    the same URL before (e.g. a truncated download) is superseded by the one it gives now."""
    if not fetched:
        return
    with open_warehouse(db_path) as con, _transaction(con):
        _retire_failures(con, [(f.url, f.report_id) for f in fetched])


def _retire_failures(con: duckdb.DuckDBPyConnection, fetched: list[tuple[str, str]]) -> None:
    frame = pd.DataFrame(
        {
            "url": [url for url, _ in fetched],
            "failure_id": [FetchFailure.id_for(url) for url, _ in fetched],
            "new_id": [rid for _, rid in fetched],
        }
    )
    with _registered(con, "fetched_now", frame):
        con.execute(
            """DELETE FROM alerts WHERE report_id IN (SELECT failure_id FROM fetched_now)
                   OR (alerted_at IS NULL AND report_id IN (
                       SELECT f.report_id FROM report_files f JOIN fetched_now n
                         ON f.source_url = n.url AND f.report_id <> n.new_id
                       WHERE f.status = 'quarantined'))"""
        )
        con.execute(
            "DELETE FROM report_files WHERE report_id IN (SELECT failure_id FROM fetched_now)"
        )
        con.execute(
            """UPDATE report_files SET status = 'superseded',
                   reason = 'replaced by file ' || n.new_id || ' from the same URL (was: '
                            || coalesce(report_files.reason, '') || ')'
               FROM fetched_now n
               WHERE report_files.source_url = n.url AND report_files.report_id <> n.new_id
                 AND report_files.status = 'quarantined'"""
        )


def quarantine_report(
    db_path: str | Path, source: FetchedFile | FetchFailure, reason: str, run_id: str
) -> bool:
    """Record a file that could not be read, with its reason; False if known already."""
    sha256 = source.sha256 if isinstance(source, FetchedFile) else None
    with open_warehouse(db_path) as con, _transaction(con):
        if not _not_recorded(con, [source.report_id])[0]:
            return False
        con.execute(
            """INSERT INTO report_files (report_id, sha256, source_url, status, reason,
                   fetched_at, loaded_at, load_seq, run_id)
               VALUES (?, ?, ?, 'quarantined', ?, ?, ?, nextval('report_load_seq'), ?)""",
            [
                source.report_id,
                sha256,
                source.url,
                reason,
                source.fetched_at,
                datetime.now(UTC),
                run_id,
            ],
        )
        _record_findings(con, [(source.report_id, None)], run_id)
        return True


@contextmanager
def _transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    con.execute("BEGIN TRANSACTION")
    try:
        yield
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def _insert_cells(con: duckdb.DuckDBPyConnection, items: list[ReportToLoad]) -> None:
    cells = [(i.source.report_id, c) for i in items for c in i.report.cells]
    frame = pd.DataFrame(
        {
            "report_id": [rid for rid, _ in cells],
            "table_name": [c.table for _, c in cells],
            "row_key": [c.row for _, c in cells],
            "col_key": [c.col for _, c in cells],
            "value": [None if c.value is None else str(c.value) for _, c in cells],
            "raw": [c.raw for _, c in cells],
            "page": pd.array([c.page for _, c in cells], dtype="Int64"),
            "piece": pd.array([c.piece for _, c in cells], dtype="Int64"),
            "reading": [c.reading for _, c in cells],
            "second_raw": [c.second_raw for _, c in cells],
        }
    )
    with _registered(con, "new_cells", frame):
        con.execute(
            """INSERT INTO report_cells (report_id, table_name, row_key, col_key, value, raw, page,
                                         piece, reading, second_raw)
               SELECT report_id, table_name, row_key, col_key, CAST(value AS DECIMAL(20, 6)), raw,
                      page, piece, reading, second_raw
               FROM new_cells"""
        )


def _insert_pieces(con: duckdb.DuckDBPyConnection, items: list[ReportToLoad]) -> None:
    pieces = [(i.source.report_id, p) for i in items for p in i.report.pieces]
    if not pieces:
        return
    frame = pd.DataFrame(
        {
            "report_id": [rid for rid, _ in pieces],
            "table_name": [p.table for _, p in pieces],
            "page": [p.page for _, p in pieces],
            "piece": [p.piece for _, p in pieces],
            "method": [p.method for _, p in pieces],
            "accuracy": pd.array([p.accuracy for _, p in pieces], dtype="Float64"),
            "whitespace": pd.array([p.whitespace for _, p in pieces], dtype="Float64"),
            "confidence": pd.array([p.confidence for _, p in pieces], dtype="Float64"),
        }
    )
    with _registered(con, "new_pieces", frame):
        con.execute("INSERT INTO table_pieces SELECT * FROM new_pieces")


@contextmanager
def _registered(con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame) -> Iterator[None]:
    """`frame` visible to SQL as `name` for the block (one INSERT … SELECT: executemany runs
    a statement per row, ~10× slower)."""
    con.register(name, frame)
    try:
        yield
    finally:
        con.unregister(name)


def _record_findings(
    con: duckdb.DuckDBPyConnection, found: list[tuple[str, str | None]], run_id: str
) -> None:
    """Findings to mail: (report_id, check_id, or None for a quarantined file); one kept per key."""
    if not found:
        return
    frame = pd.DataFrame(
        {
            "finding_key": [f"{rid}/{check or 'quarantine'}" for rid, check in found],
            "report_id": [rid for rid, _ in found],
            "check_id": [check for _, check in found],
        }
    )
    with _registered(con, "new_findings", frame):
        con.execute(
            """INSERT INTO alerts (finding_key, report_id, check_id, found_run_id, found_at)
               SELECT finding_key, report_id, check_id, ?, ? FROM new_findings
               ON CONFLICT DO NOTHING""",
            [run_id, datetime.now(UTC)],
        )


def _insert_checks(
    con: duckdb.DuckDBPyConnection, run_id: str, checks: list[tuple[str, CheckResult]]
) -> None:
    """Checks made on reports: (report_id, result); each failure is also a finding."""
    if not checks:
        return
    _record_findings(con, [(rid, c.check_id) for rid, c in checks if not c.success], run_id)
    frame = pd.DataFrame(
        {
            "report_id": [rid for rid, _ in checks],
            "check_id": [c.check_id for _, c in checks],
            "success": [c.success for _, c in checks],
            "severity": [c.severity for _, c in checks],
            "details": [_details_json(c) for _, c in checks],
        }
    )
    with _registered(con, "new_checks", frame):
        con.execute(
            """INSERT INTO dq_checks (run_id, report_id, check_id, success, severity, details,
                                      checked_at)
               SELECT ?, report_id, check_id, success, severity, details, ? FROM new_checks""",
            [run_id, datetime.now(UTC)],
        )


def _details_json(check: CheckResult) -> str:
    return json.dumps(
        {"summary": check.summary, "cells": list(check.details)}, ensure_ascii=False, default=str
    )


def _supersede_older(con: duckdb.DuckDBPyConnection, report_ids: list[str]) -> None:
    """A newer file for the same body and year replaces the older one's values (SPEC §3):
    each loaded file of a body and year the batch touched, but the newest, is superseded by
    the next one loaded after it."""
    con.execute(
        """WITH touched AS (
               SELECT DISTINCT agency_id, year FROM report_files
               WHERE report_id IN (SELECT unnest(?))),
           successor AS (
               SELECT f.report_id,
                      lead(f.report_id) OVER (PARTITION BY f.agency_id, f.year
                                              ORDER BY f.load_seq) AS newer
               FROM report_files f JOIN touched t USING (agency_id, year)
               WHERE f.status = 'loaded')
           UPDATE report_files SET status = 'superseded',
                  reason = 'replaced by newer file ' || successor.newer
           FROM successor
           WHERE report_files.report_id = successor.report_id AND successor.newer IS NOT NULL""",
        [report_ids],
    )


def record_checks(db_path: str | Path, run_id: str, checks: dict[str, CheckResult]) -> None:
    """Add checks made after loading (R7, across years): report_id → result."""
    if not checks:
        return
    with open_warehouse(db_path) as con, _transaction(con):
        con.execute(
            """DELETE FROM dq_checks WHERE run_id = ?
                   AND (report_id, check_id) IN (SELECT unnest(?), unnest(?))""",
            [run_id, list(checks), [c.check_id for c in checks.values()]],
        )
        _insert_checks(con, run_id, list(checks.items()))


def continuity_pairs(db_path: str | Path, report_ids: list[str]) -> list[tuple[object, ...]]:
    """R7 data: for each loaded report touching `report_ids` (as this year or as last year),
    per applicant column, this year's 上年结转 (row 2) beside last year's 结转下年度 (row 4)."""
    if not report_ids:
        return []
    with open_warehouse(db_path) as con:
        return con.execute(query("continuity_pairs"), [report_ids]).fetchall()


def pending_findings(db_path: str | Path) -> list[Finding]:
    with open_warehouse(db_path) as con:
        rows = con.execute(query("pending_findings")).fetchall()
    return [Finding(*row) for row in rows]


def delivered(db_path: str | Path, keys: list[str]) -> set[tuple[str, str]]:
    """(finding_key, recipient) of the findings `keys` already mailed to someone."""
    with open_warehouse(db_path) as con:
        rows = con.execute(
            """SELECT finding_key, recipient FROM alert_deliveries
               WHERE finding_key IN (SELECT unnest(?))""",
            [keys],
        ).fetchall()
    return {(key, who) for key, who in rows}


def record_deliveries(
    db_path: str | Path, run_id: str, sent: list[tuple[str, str]], recipients: list[str]
) -> None:
    """Record (finding_key, recipient) pairs mailed; a finding every one of `recipients` has
    had (now or before) is no longer pending."""
    frame = pd.DataFrame({"finding_key": [k for k, _ in sent], "recipient": [r for _, r in sent]})
    with open_warehouse(db_path) as con, _transaction(con), _registered(con, "sent", frame):
        con.execute(
            """INSERT INTO alert_deliveries SELECT finding_key, recipient, ?, ? FROM sent
               ON CONFLICT DO NOTHING""",
            [run_id, datetime.now(UTC)],
        )
        _settle_alerts(con, run_id, recipients)


def settle_alerts(db_path: str | Path, run_id: str, recipients: list[str]) -> None:
    """Findings every one of `recipients` has had (a mailing an earlier, unpublished run
    made, read back from its journal) are no longer pending."""
    with open_warehouse(db_path) as con, _transaction(con):
        _settle_alerts(con, run_id, recipients)


def _settle_alerts(con: duckdb.DuckDBPyConnection, run_id: str, recipients: list[str]) -> None:
    con.execute(
        """UPDATE alerts SET alerted_at = ?, alert_run_id = ?
           WHERE alerted_at IS NULL AND finding_key IN (
               SELECT finding_key FROM alert_deliveries
               WHERE recipient IN (SELECT unnest(?))
               GROUP BY finding_key HAVING count(DISTINCT recipient) = ?)""",
        [datetime.now(UTC), run_id, recipients, len(set(recipients))],
    )


def fetch_cache(db_path: str | Path) -> dict[str, CachedFetch]:
    """URL → validators of the file it served last (for conditional GETs)."""
    with open_warehouse(db_path) as con:
        rows = con.execute("SELECT url, sha256, etag, last_modified FROM fetch_cache").fetchall()
    return {url: CachedFetch(sha, etag, modified) for url, sha, etag, modified in rows}


def remember_fetches(db_path: str | Path, fetched: list[FetchedFile]) -> None:
    """Store new or changed validators of good files; an unchanged URL changes no row.

    A file that was quarantined (cut short, unreadable) keeps no validators: with them the
    next night would get a 304 and keep the bad file for ever, where it should download again.
    """
    fresh = [f for f in fetched if not f.not_modified and (f.etag or f.last_modified)]
    if not fresh:
        return
    frame = pd.DataFrame(
        {
            "url": [f.url for f in fresh],
            "report_id": [f.report_id for f in fresh],
            "sha256": [f.sha256 for f in fresh],
            "etag": [f.etag for f in fresh],
            "last_modified": [f.last_modified for f in fresh],
            "fetched_at": [f.fetched_at for f in fresh],
        }
    ).drop_duplicates("url", keep="last")
    with open_warehouse(db_path) as con, _transaction(con), _registered(con, "fetched", frame):
        con.execute(
            """INSERT INTO fetch_cache
               SELECT url, sha256, etag, last_modified, fetched_at FROM fetched
               WHERE report_id IN (
                   SELECT report_id FROM report_files WHERE status <> 'quarantined')
               ON CONFLICT (url) DO UPDATE SET sha256 = excluded.sha256, etag = excluded.etag,
                   last_modified = excluded.last_modified, fetched_at = excluded.fetched_at
               WHERE fetch_cache.sha256 <> excluded.sha256 OR fetch_cache.etag <> excluded.etag
                  OR fetch_cache.last_modified <> excluded.last_modified"""
        )
