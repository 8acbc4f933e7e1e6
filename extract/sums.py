"""A scan's values of tables 三 and 四 are loaded only where one of the form's sums confirms them.

Two OCR readings can agree on a wrong value (a blur makes a 6 of an 8 at both scales; a seal
over a cell's edge cuts 493 to 49 in both). The sums the form promises (R2–R5) are a third
reading: a value is loaded when a complete sum it is part of holds. A misread cell fails its
row and its column; its neighbours in that row are each confirmed by their own column, so
only it is refused. A cell whose every sum lacks a value (a neighbour refused in its row and
in its column) cannot be confirmed and is refused too: no check could name it if it were
wrong. A printed report whose own arithmetic is wrong loses those cells as well: from a scan
the two cannot be told apart. Table 二 has no sums: its values rest on the two readings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from nianbao.equations import Equation, equations
from nianbao.records import Cell, Number

# Cell.reading of a value refused this way (R1 names the cell, with its reading): a sum
# it is part of fails, or none of its sums could be done
SUM_FAILS = "sum-fails"
UNCONFIRMED = "unconfirmed"
SUMMED_TABLES = ("application", "review")

Key = tuple[str, str, str]  # (table, row, col)


def refuse_unconfirmed(cells: Sequence[Cell], form_rows: int) -> list[Cell]:
    """The cells, each value of 三 and 四 that no complete sum confirms refused: as
    SUM_FAILS when a sum it is part of fails, else as UNCONFIRMED."""
    values = _first_values(cells)
    rows = {c.row for c in cells if c.table == "application"}
    failing: set[Key] = set()
    holding: set[Key] = set()
    for equation in equations(rows, form_rows):
        keys = [(equation.table, r, c) for r, c in equation.cells]
        if all(k in values for k in keys):
            (holding if _holds(equation, values) else failing).update(keys)
    return [_judged(c, failing, holding) for c in cells]


def _judged(cell: Cell, failing: set[Key], holding: set[Key]) -> Cell:
    key = _key(cell)
    if cell.value is None or cell.table not in SUMMED_TABLES or key in holding:
        return cell
    return replace(cell, value=None, reading=SUM_FAILS if key in failing else UNCONFIRMED)


def _first_values(cells: Sequence[Cell]) -> dict[Key, Number]:
    """Each cell's value; a cell printed twice counts by its first reading, as the checks do."""
    values: dict[Key, Number] = {}
    for c in cells:
        if c.value is not None:
            values.setdefault(_key(c), c.value)
    return values


def _holds(equation: Equation, values: dict[Key, Number]) -> bool:
    def total(side: tuple[tuple[str, str], ...]) -> Number:
        return sum((values[(equation.table, r, c)] for r, c in side), start=0)

    return total(equation.printed) == total(equation.expected)


def _key(cell: Cell) -> Key:
    return (cell.table, cell.row, cell.col)
