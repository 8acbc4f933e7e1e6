"""The sums the form promises between its printed cells (SPEC §2, R2–R5), as data.

One definition serves both the checks (expectations/frames.py: printed beside expected) and
a scan's reading (extract: an OCR value whose every sum fails is not loaded)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from nianbao.form import (
    APPLICANT_CODES,
    APPLICANT_PARTS,
    OUTCOME_PARTS,
    PROCEEDING_CODES,
    ROW_CODES_23,
    ROW_CODES_25,
)

CellKey = tuple[str, str]  # (row, col) within one table


@dataclass(frozen=True)
class Equation:
    """sum(printed) = sum(expected), between cells of one table."""

    check: str  # R2 … R5
    where: str  # the row, column or proceeding it is about
    table: str  # 'application' | 'review'
    printed: tuple[CellKey, ...]
    expected: tuple[CellKey, ...]

    @property
    def cells(self) -> tuple[CellKey, ...]:
        return self.printed + self.expected

    @property
    def table_cells(self) -> list[tuple[str, str, str]]:
        """Its cells as (table, row, col)."""
        return [(self.table, r, c) for r, c in self.cells]


def result_rows(form_rows: int) -> tuple[str, ...]:
    """Table 三's handling rows （一）…（六） (their leaves), summed by （七）总计."""
    rows = ROW_CODES_23 if form_rows == 23 else ROW_CODES_25
    return tuple(r for r in rows if r.startswith("3.") and r != "3.7")


def equations(application_rows: Iterable[str], form_rows: int) -> tuple[Equation, ...]:
    """Every sum of one report: R2 for each table 三 row it has, R3 and R4 for each applicant
    column, R5 for each proceeding of table 四."""
    parts = result_rows(form_rows)
    r2 = [
        Equation("R2", r, "application", ((r, "total"),), tuple((r, c) for c in APPLICANT_PARTS))
        for r in sorted(set(application_rows))
    ]
    r3 = [
        Equation("R3", c, "application", (("3.7", c),), tuple((r, c) for r in parts))
        for c in APPLICANT_CODES
    ]
    r4 = [
        Equation("R4", c, "application", (("1", c), ("2", c)), (("3.7", c), ("4", c)))
        for c in APPLICANT_CODES
    ]
    r5 = [
        Equation("R5", p, "review", ((p, "total"),), tuple((p, o) for o in OUTCOME_PARTS))
        for p in PROCEEDING_CODES
    ]
    return (*r2, *r3, *r4, *r5)
