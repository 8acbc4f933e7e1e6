"""The history of runs, read from a published warehouse without writing to it."""

from __future__ import annotations

from pathlib import Path

import duckdb

from nianbao.errors import EnvironmentBroken
from warehouse.migrate import query

RUN_COLUMNS = (
    "run_id",
    "source",
    "started_at",
    "finished_at",
    "outcome",
    "files_found",
    "loaded",
    "unchanged",
    "quarantined",
    "failed_checks",
    "skipped",
    "page_limit_reached",
    "message",
)


def run_history(db_path: Path, last: int) -> list[dict[str, object]]:
    """The `last` runs recorded in the warehouse at `db_path`, newest first, read-only."""
    if not db_path.exists():
        raise EnvironmentBroken(f"warehouse {db_path} does not exist")
    try:
        con = duckdb.connect(str(db_path), read_only=True)
    except duckdb.Error as err:
        raise EnvironmentBroken(f"warehouse {db_path} cannot be read: {err}") from err
    try:
        rows = con.execute(query("run_history"), [last]).fetchall()
    finally:
        con.close()
    return [dict(zip(RUN_COLUMNS, row, strict=True)) for row in rows]


def report_page_data(db_path: Path) -> dict[str, list[tuple[object, ...]]]:
    """What the run report draws, read-only: coverage (body, year, loaded / quarantined /
    missing), failures by check and year, the failed reports' checks, and their table 三."""
    if not db_path.exists():
        raise EnvironmentBroken(f"warehouse {db_path} does not exist")
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        failed = con.execute(query("failed_reports")).fetchall()
        ids = sorted({row[0] for row in failed})
        cells = con.execute(
            "SELECT report_id, row_code, applicant_code, value, raw FROM application_stats "
            "WHERE list_contains(?, report_id)",
            [ids],
        ).fetchall()
        return {
            "coverage": con.execute(query("coverage")).fetchall(),
            "failures": con.execute(query("failures_by_check")).fetchall(),
            "failed": failed,
            "cells": cells,
        }
    finally:
        con.close()


def pending_findings(db_path: Path) -> list[tuple[object, ...]]:
    """The findings no mail has carried yet (`nianbao alerts pending`), read-only."""
    if not db_path.exists():
        raise EnvironmentBroken(f"warehouse {db_path} does not exist")
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return con.execute(query("pending_findings")).fetchall()
    finally:
        con.close()


def stored_report(db_path: Path, report_id: str) -> dict[str, list[tuple[object, ...]]]:
    """One report's file row, its cells (table, row, column, value, raw, page) and its checks'
    latest results, by its id or the start of it (`nianbao show`), read-only."""
    if not db_path.exists():
        raise EnvironmentBroken(f"warehouse {db_path} does not exist")
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        files = con.execute(
            "SELECT report_id, agency, year, status, reason, source_url, method FROM reports "
            "WHERE starts_with(report_id, ?)",
            [report_id],
        ).fetchall()
        if len(files) != 1:
            found = "no report" if not files else f"{len(files)} reports"
            raise EnvironmentBroken(f"{found} in {db_path} with an id starting {report_id!r}")
        rid = str(files[0][0])
        cells = con.execute(
            "SELECT table_name, row_key, col_key, value, raw, page FROM report_cells "
            "WHERE report_id = ?",
            [rid],
        ).fetchall()
        checks = con.execute(
            "SELECT check_id, success, severity, details FROM dq_checks WHERE report_id = ? "
            "QUALIFY row_number() OVER (PARTITION BY check_id ORDER BY checked_at DESC) = 1 "
            "ORDER BY check_id",
            [rid],
        ).fetchall()
    finally:
        con.close()
    return {"file": files, "cells": cells, "checks": checks}
