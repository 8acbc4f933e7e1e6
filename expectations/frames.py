"""The report's cells reshaped into the frames the form's relations are checked on."""

from __future__ import annotations

import math

import pandas as pd

from nianbao.form import (
    APPLICANT_CODES,
    APPLICANT_PARTS,
    OUTCOME_CODES,
    OUTCOME_PARTS,
    PROCEEDING_CODES,
    ROW_CODES_23,
    ROW_CODES_25,
)
from nianbao.records import ExtractedReport

NAN = math.nan


def cells_frame(report: ExtractedReport) -> pd.DataFrame:
    """One row per printed cell; `value` is NaN where the text is not a number."""
    return pd.DataFrame(
        {
            "table": [c.table for c in report.cells],
            "row": [c.row for c in report.cells],
            "col": [c.col for c in report.cells],
            "value": [NAN if c.value is None else float(c.value) for c in report.cells],
            "raw": [c.raw for c in report.cells],
            "page": [c.page for c in report.cells],
            "reading": [c.reading for c in report.cells],
        },
        columns=["table", "row", "col", "value", "raw", "page", "reading"],
    )


Grid = dict[tuple[str, str], float]


def _grid(cells: pd.DataFrame, table: str) -> Grid:
    """(row, col) → value of one table (NaN where unreadable; absent cells are not keys)."""
    part = cells[cells["table"] == table]
    grid: Grid = {}
    for key, value in zip(zip(part["row"], part["col"], strict=True), part["value"], strict=True):
        if key not in grid or math.isnan(grid[key]):  # a cell printed twice: its first reading
            grid[key] = float(value)
    return grid


def _value(grid: Grid, row: str, col: str) -> float:
    return grid.get((row, col), NAN)


def row_totals_frame(cells: pd.DataFrame) -> pd.DataFrame:
    """R2: each table 三 row's printed 总计 beside the sum of its six applicant columns."""
    grid = _grid(cells, "application")
    rows = sorted({row for row, _ in grid})
    return pd.DataFrame(
        {
            "row_code": rows,
            "printed": [_value(grid, r, "total") for r in rows],
            "expected": [sum(_value(grid, r, c) for c in APPLICANT_PARTS) for r in rows],
        }
    )


def _result_rows(report_rows: int) -> tuple[str, ...]:
    rows = ROW_CODES_23 if report_rows == 23 else ROW_CODES_25
    return tuple(r for r in rows if r.startswith("3.") and r != "3.7")


def outcome_total_frame(cells: pd.DataFrame, form_rows: int) -> pd.DataFrame:
    """R3: per applicant column, printed （七）总计 beside the sum of （一）…（六）."""
    grid = _grid(cells, "application")
    parts = _result_rows(form_rows)
    return pd.DataFrame(
        {
            "applicant_code": list(APPLICANT_CODES),
            "printed": [_value(grid, "3.7", c) for c in APPLICANT_CODES],
            "expected": [sum(_value(grid, r, c) for r in parts) for c in APPLICANT_CODES],
        }
    )


def balance_frame(cells: pd.DataFrame) -> pd.DataFrame:
    """R4: per column, 一 + 二 (received + carried over) beside 三（七） + 四 (handled + carried on)."""
    grid = _grid(cells, "application")
    return pd.DataFrame(
        {
            "applicant_code": list(APPLICANT_CODES),
            "printed": [_value(grid, "1", c) + _value(grid, "2", c) for c in APPLICANT_CODES],
            "expected": [_value(grid, "3.7", c) + _value(grid, "4", c) for c in APPLICANT_CODES],
        }
    )


def review_totals_frame(cells: pd.DataFrame) -> pd.DataFrame:
    """R5: per proceeding, printed 总计 beside 维持 + 纠正 + 其他 + 尚未审结."""
    grid = _grid(cells, "review")
    return pd.DataFrame(
        {
            "proceeding_code": list(PROCEEDING_CODES),
            "printed": [_value(grid, p, "total") for p in PROCEEDING_CODES],
            "expected": [sum(_value(grid, p, o) for o in OUTCOME_PARTS) for p in PROCEEDING_CODES],
        }
    )


def completeness_frame(cells: pd.DataFrame, form_rows: int) -> pd.DataFrame:
    """R6: every cell the form prints in 三 and 四, and whether the report has it."""
    rows = ROW_CODES_23 if form_rows == 23 else ROW_CODES_25
    expected = [("application", r, c) for r in rows for c in APPLICANT_CODES] + [
        ("review", p, o) for p in PROCEEDING_CODES for o in OUTCOME_CODES
    ]
    present = set(zip(cells["table"], cells["row"], cells["col"], strict=True))
    return pd.DataFrame(
        {
            "table": [e[0] for e in expected],
            "row": [e[1] for e in expected],
            "col": [e[2] for e in expected],
            "present": [e in present for e in expected],
        }
    )


# The relations between printed values (R2–R5), each failing row named by this column.
RELATION_KEYS: dict[str, str] = {
    "R2": "row_code",
    "R3": "applicant_code",
    "R4": "applicant_code",
    "R5": "proceeding_code",
}


def relations_frame(cells: pd.DataFrame, form_rows: int) -> pd.DataFrame:
    """R2–R5 in one frame: check_id, where (a row, column or proceeding), printed, expected."""
    parts = {
        "R2": row_totals_frame(cells),
        "R3": outcome_total_frame(cells, form_rows),
        "R4": balance_frame(cells),
        "R5": review_totals_frame(cells),
    }
    return pd.concat(
        [
            frame.rename(columns={RELATION_KEYS[check]: "where"}).assign(check_id=check)
            for check, frame in parts.items()
        ],
        ignore_index=True,
    )[["check_id", "where", "printed", "expected"]]
