"""A scan's values that the form's sums contradict are not loaded.

Two OCR readings can agree on a wrong digit (a blur makes a 6 of an 8 at both scales). The
sums the form promises (R2–R5) are a third reading: a value is refused when a sum it is part
of fails and no complete sum it is part of holds. A misread cell fails its row and its
column; its neighbours in that row are each confirmed by their own column, so only it is
refused. A printed report whose own arithmetic is wrong loses those cells too: from a scan
the two cannot be told apart."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from nianbao.equations import Equation, equations
from nianbao.records import Cell, Number

# Cell.reading of a value refused this way (R1 names the cell, with its reading)
SUM_FAILS = "sum-fails"

Key = tuple[str, str, str]  # (table, row, col)


def refuse_contradicted(cells: Sequence[Cell], form_rows: int) -> list[Cell]:
    """The cells, each value in a failing sum and in no holding one refused."""
    values = _first_values(cells)
    rows = {c.row for c in cells if c.table == "application"}
    failing: set[Key] = set()
    holding: set[Key] = set()
    for equation in equations(rows, form_rows):
        keys = [(equation.table, r, c) for r, c in equation.cells]
        if all(k in values for k in keys):
            (holding if _holds(equation, values) else failing).update(keys)
    refused = failing - holding
    return [
        replace(c, value=None, reading=SUM_FAILS)
        if _key(c) in refused and c.value is not None
        else c
        for c in cells
    ]


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
