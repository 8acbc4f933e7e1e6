"""The report's cells reshaped into the rows the form's relations are checked on.

Each builder gives one report's rows for some checks as columns of plain lists; `checks_frame`
stacks them into one frame per report, each row tagged with the check it serves, which GX
validates (expectations/suites.py: one expectation per check, each on its own rows; a few
reports' frames stacked to a validation).
"""

from __future__ import annotations

import math

from nianbao.equations import equations
from nianbao.form import (
    APPLICANT_CODES,
    OUTCOME_CODES,
    PROCEEDING_CODES,
    ROW_CODES_23,
    ROW_CODES_25,
)
from nianbao.records import ExtractedReport

NAN = math.nan

Columns = dict[str, list[object]]
Grid = dict[tuple[str, str], float]


def cells_frame(report: ExtractedReport) -> Columns:
    """R1: one row per printed cell; `value` is NaN where the text is not a number."""
    return {
        "check_id": ["R1"] * len(report.cells),
        "table": [c.table for c in report.cells],
        "row": [c.row for c in report.cells],
        "col": [c.col for c in report.cells],
        "value": [NAN if c.value is None else float(c.value) for c in report.cells],
        "raw": [c.raw for c in report.cells],
        "page": [c.page for c in report.cells],
        "reading": [c.reading for c in report.cells],
    }


def _grid(report: ExtractedReport, table: str) -> Grid:
    """(row, col) → value of one table (NaN where unreadable; absent cells are not keys)."""
    grid: Grid = {}
    for c in report.cells:
        if c.table != table:
            continue
        value = NAN if c.value is None else float(c.value)
        key = (c.row, c.col)
        if key not in grid or math.isnan(grid[key]):  # a cell printed twice: its first reading
            grid[key] = value
    return grid


def _value(grid: Grid, row: str, col: str) -> float:
    return grid.get((row, col), NAN)


def _sum(grid: Grid, cells: tuple[tuple[str, str], ...]) -> float:
    return sum(_value(grid, r, c) for r, c in cells)


def relations_frame(report: ExtractedReport) -> Columns:
    """R2–R5, a row per sum (nianbao/equations.py): where (a row, column or proceeding), the
    printed side beside the expected one (NaN when a cell of it was not read), and the page
    its table starts on (the alert mail and Data Docs name it)."""
    grids = {t: _grid(report, t) for t in ("application", "review")}
    rows = {row for row, _ in grids["application"]}
    found = equations(rows, report.form_rows)
    return {
        "check_id": [e.check for e in found],
        "where": [e.where for e in found],
        "printed": [_sum(grids[e.table], e.printed) for e in found],
        "expected": [_sum(grids[e.table], e.expected) for e in found],
        "page": [_first_page(report, e.table) for e in found],
    }


# The relations between printed values (R2–R5), each failing row named by this column.
RELATION_KEYS: dict[str, str] = {
    "R2": "row_code",
    "R3": "applicant_code",
    "R4": "applicant_code",
    "R5": "proceeding_code",
}


def _first_page(report: ExtractedReport, table: str) -> int | None:
    """The page a table starts on (None when none of its cells was read)."""
    return min((c.page for c in report.cells if c.table == table), default=None)


def completeness_frame(report: ExtractedReport) -> Columns:
    """R6: every cell the form prints in 三 and 四, and whether the report has it."""
    rows = ROW_CODES_23 if report.form_rows == 23 else ROW_CODES_25
    expected = [("application", r, c) for r in rows for c in APPLICANT_CODES] + [
        ("review", p, o) for p in PROCEEDING_CODES for o in OUTCOME_CODES
    ]
    present = {(c.table, c.row, c.col) for c in report.cells}
    why = {u.table: u.reason for u in report.unread}
    return {
        "check_id": ["R6"] * len(expected),
        "table": [e[0] for e in expected],
        "row": [e[1] for e in expected],
        "col": [e[2] for e in expected],
        "holds": [e in present for e in expected],
        "why": [why.get(e[0], "") if e not in present else "" for e in expected],
    }


def prose_frame(report: ExtractedReport) -> Columns:
    """R8: each application count the prose states, beside row 1 and rows 1 + 2 of table 三's
    total column; `holds` when it equals either."""
    app = _grid(report, "application")
    first, carried = _value(app, "1", "total"), _value(app, "2", "total")
    stated: list[object] = [float(s.value) for s in report.stated]
    return {
        "check_id": ["R8"] * len(stated),
        "stated": stated,
        "text": [s.text for s in report.stated],
        "page": [s.page for s in report.stated],
        "row_1": [first] * len(stated),
        "rows_1_2": [first + carried] * len(stated),
        "holds": [v in (first, first + carried) for v in stated],
    }


BUILDERS = (cells_frame, relations_frame, completeness_frame, prose_frame)


def checks_frame(report: ExtractedReport) -> Columns:
    """Every check's rows of one report, stacked: each row has every builder's columns (None
    where its own builder has no such column), `check_id` says which check it serves, and
    what a check's expectation reads is in columns of its own (`R2_printed`, `R6_holds`, …,
    None on other checks' rows, which GX's expectations pass over as missing): a GX row
    condition per expectation would cost about twice the whole validation."""
    parts = [build(report) for build in BUILDERS]
    names = list(dict.fromkeys(k for part in parts for k in part))
    out: Columns = {k: [] for k in names}
    for part in parts:
        size = len(part["check_id"])
        for k in names:
            out[k].extend(part[k] if k in part else [None] * size)
    checks = out["check_id"]
    values = out["value"]
    out["n"] = list(range(len(checks)))  # the row's number: GX names failing rows by it
    out["cell"] = [_cell_name(out, i) for i in range(len(checks))]
    out["R1_number"] = [
        (v is not None and not math.isnan(float(str(v)))) if c == "R1" else None
        for c, v in zip(checks, values, strict=True)
    ]
    for check, read in CHECKED_COLUMNS.items():
        for name in read:
            out[f"{check}_{name}"] = [
                v if c == check else None for c, v in zip(checks, out[name], strict=True)
            ]
    return out


def _cell_name(out: Columns, i: int) -> str:
    """What a row is about, as Data Docs list a failing one: 'application 3.2 total' for a
    cell, 'R2 row_code 3.2' for a relation, 'stated 17 (page 2)' for the prose."""
    check = out["check_id"][i]
    if out["where"][i] is not None:
        return f"{check} {RELATION_KEYS[str(check)]} {out['where'][i]}"
    if out["stated"][i] is not None:
        return f"stated {out['stated'][i]:g} (page {out['page'][i]})"
    return f"{out['table'][i]} {out['row'][i]} {out['col'][i]}"


# What each check's expectations read, in columns of its own (checks_frame); the other
# columns only name a failing row.
CHECKED_COLUMNS: dict[str, tuple[str, ...]] = {
    "R1": ("value",),
    **{check: ("printed", "expected") for check in ("R2", "R3", "R4", "R5")},
    "R6": ("holds",),
    "R8": ("holds",),
}
