"""What the commands that look inside a published warehouse read from it, without writing:
the runs, the run report's data, the pending findings, one stored report."""

from __future__ import annotations

from pathlib import Path

import duckdb

from nianbao.errors import EnvironmentBroken
from warehouse.connection import read_only
from warehouse.migrate import query

Rows = list[tuple[object, ...]]


def run_history(db_path: Path, last: int) -> list[dict[str, object]]:
    """The `last` runs recorded in the warehouse at `db_path`, newest first."""
    with read_only(db_path) as con:
        cursor = con.execute(query("run_history"), [last])
        columns = [d[0] for d in cursor.description or ()]
        rows = cursor.fetchall()
    return [dict(zip(columns, row, strict=True)) for row in rows]


def report_page_data(db_path: Path) -> dict[str, Rows]:
    """What the run report draws, from the published warehouse at `db_path`."""
    with read_only(db_path) as con:
        return report_page_rows(con)


def report_page_rows(con: duckdb.DuckDBPyConnection) -> dict[str, Rows]:
    """What the run report draws: coverage (body, year, loaded / quarantined / missing),
    failures by check and year, the failed reports' checks, and their table 三."""
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


def pending_findings(db_path: Path) -> Rows:
    """The findings no mail has carried yet (`nianbao alerts pending`)."""
    with read_only(db_path) as con:
        return con.execute(query("pending_findings")).fetchall()


def stored_report(db_path: Path, report_id: str) -> dict[str, Rows]:
    """One report's file row, its cells (table, row, column, value, raw, page) and its checks'
    latest results, by its id or the start of it (`nianbao show`)."""
    with read_only(db_path) as con:
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
            "SELECT check_id, success, severity, details FROM latest_checks WHERE report_id = ? "
            "ORDER BY check_id",
            [rid],
        ).fetchall()
    return {"file": files, "cells": cells, "checks": checks}
