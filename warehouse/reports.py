"""Reports into the warehouse: loaded (cells, pieces, checks) in one transaction per batch, keyed
by the file's sha256; quarantined with a reason; superseded by a newer file."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import duckdb
import pandas as pd

from nianbao.records import (
    CheckResult,
    ExtractedReport,
    FetchedFile,
    FetchFailure,
    ReportToLoad,
)
from warehouse.connection import Connected, registered
from warehouse.findings import record_findings
from warehouse.migrate import query


class Reports(Connected):
    """Loading, quarantine, supersession and the checks made on reports."""

    def load_report(
        self,
        fetched: FetchedFile,
        report: ExtractedReport,
        checks: tuple[CheckResult, ...],
        run_id: str,
        agency_id: str | None = None,
    ) -> bool:
        """Record one report, its cells and its checks; False if this file was loaded before."""
        item = ReportToLoad(fetched, report, checks, agency_id or report.agency)
        return self.load_reports([item], run_id)[0]

    def load_reports(self, items: list[ReportToLoad], run_id: str) -> list[bool]:
        """Record a batch of reports in one transaction, each with its cells, pieces and checks;
        per item, False where that file was recorded before (or earlier in the batch).

        Set-based (a frame per table): a statement per report cost the flow's process seconds
        on a hundred reports.
        """
        if not items:
            return []
        with self.transaction() as con:
            fresh = _not_recorded(con, [i.source.report_id for i in items])
            new = [item for item, is_new in zip(items, fresh, strict=True) if is_new]
            if new:
                _insert_report_files(con, new, run_id)
                _insert_cells(con, new)
                _insert_pieces(con, new)
                _insert_checks(
                    con, run_id, [(i.source.report_id, c) for i in new for c in i.checks]
                )
                _supersede_older(con, [i.source.report_id for i in new])
            return fresh

    def retire_failures(self, fetched: list[FetchedFile]) -> None:
        """URLs that gave a file this run: each one's record as a failed link (dead, or a
        transient failure of an earlier night) goes with its alert, and a file quarantined from
        the same URL before (e.g. a truncated download) is superseded by the one it gives now."""
        if not fetched:
            return
        with self.transaction() as con:
            _retire_failures(con, [(f.url, f.report_id) for f in fetched])

    def quarantine_report(
        self, source: FetchedFile | FetchFailure, reason: str, run_id: str
    ) -> bool:
        """Record a file that could not be read, with its reason; False if known already."""
        sha256 = source.sha256 if isinstance(source, FetchedFile) else None
        with self.transaction() as con:
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
            record_findings(con, [(source.report_id, None)], run_id)
            return True

    def record_checks(self, run_id: str, checks: dict[str, CheckResult]) -> None:
        """Add checks made after loading (R7, across years): report_id → result."""
        if not checks:
            return
        with self.transaction() as con:
            con.execute(
                """DELETE FROM dq_checks WHERE run_id = ?
                       AND (report_id, check_id) IN (SELECT unnest(?), unnest(?))""",
                [run_id, list(checks), [c.check_id for c in checks.values()]],
            )
            _insert_checks(con, run_id, list(checks.items()))

    def continuity_pairs(self, report_ids: list[str]) -> list[tuple[object, ...]]:
        """R7 data: for each loaded report touching `report_ids` (as this year or as last year),
        per applicant column, this year's 上年结转 (row 2) beside last year's 结转下年度 (row 4)."""
        if not report_ids:
            return []
        return self.rows(query("continuity_pairs"), [report_ids])


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
            "file_name": [i.source.file_name or None for i in items],
        }
    )
    with registered(con, "new_files", files):
        con.execute(
            """INSERT INTO report_files (report_id, sha256, source_url, agency, agency_id, year,
                   status, fetched_at, loaded_at, load_seq, pages, form_rows, method, run_id,
                   fetched_from, file_name)
               SELECT report_id, sha256, source_url, agency, agency_id, year, 'loaded',
                      fetched_at, loaded_at, load_seq, pages, form_rows, method, run_id,
                      fetched_from, file_name
               FROM new_files"""
        )


def _retire_failures(con: duckdb.DuckDBPyConnection, fetched: list[tuple[str, str]]) -> None:
    frame = pd.DataFrame(
        {
            "url": [url for url, _ in fetched],
            "failure_id": [FetchFailure.id_for(url) for url, _ in fetched],
            "new_id": [rid for _, rid in fetched],
        }
    )
    with registered(con, "fetched_now", frame):
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
    with registered(con, "new_cells", frame):
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
    with registered(con, "new_pieces", frame):
        con.execute("INSERT INTO table_pieces SELECT * FROM new_pieces")


def _insert_checks(
    con: duckdb.DuckDBPyConnection, run_id: str, checks: list[tuple[str, CheckResult]]
) -> None:
    """Checks made on reports: (report_id, result); each failure is also a finding."""
    if not checks:
        return
    record_findings(con, [(rid, c.check_id) for rid, c in checks if not c.success], run_id)
    frame = pd.DataFrame(
        {
            "report_id": [rid for rid, _ in checks],
            "check_id": [c.check_id for _, c in checks],
            "success": [c.success for _, c in checks],
            "severity": [c.severity for _, c in checks],
            "details": [_details_json(c) for _, c in checks],
        }
    )
    with registered(con, "new_checks", frame):
        con.execute(
            """INSERT INTO dq_checks (run_id, report_id, check_id, success, severity, details,
                                      checked_at)
               SELECT ?, report_id, check_id, success, severity, details, ? FROM new_checks""",
            [run_id, datetime.now(UTC)],
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


def _details_json(check: CheckResult) -> str:
    return json.dumps(
        {"summary": check.summary, "cells": list(check.details)}, ensure_ascii=False, default=str
    )
