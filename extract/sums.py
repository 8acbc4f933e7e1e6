"""A scan's values of tables 三 and 四 are loaded only where one of the form's sums confirms them.

Two OCR readings can agree on a wrong value (a blur makes a 6 of an 8 at both scales; a seal
over a cell's edge cuts 493 to 49 in both). The sums the form promises (R2–R5) are a third
reading: a value is loaded when a complete sum it is part of holds. A misread cell fails its
row and its column; its neighbours in that row are each confirmed by their own column, so
only it is refused. A cell whose every sum lacks a value (a neighbour refused in its row and
in its column) cannot be confirmed and is refused too: no check could name it if it were
wrong. A printed report whose own arithmetic is wrong loses those cells as well: from a scan
the two cannot be told apart. Table 二 has no sums: its values rest on the two readings.

The sums also take back what the readings alone refused: a cell whose two readings differ, or
whose text touched a rule, is loaded when it is the one value missing from a sum and a reading
of it is the very value that sum requires (SUM_CONFIRMED); each value taken back can complete
another sum, so this runs until none is."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from extract.values import parse_count
from nianbao.equations import Equation, equations
from nianbao.records import Cell, Number

# Cell.reading of a value refused this way (R1 names the cell, with its reading): a sum
# it is part of fails, or none of its sums could be done
SUM_FAILS = "sum-fails"
UNCONFIRMED = "unconfirmed"
# Cell.reading of a value the readings alone refused, taken back by a sum
SUM_CONFIRMED = "sum-confirmed"
# Refused by the readings, with a reading a sum may confirm
DOUBTED = frozenset({"ambiguous", "ocr-readings-differ"})
SUMMED_TABLES = ("application", "review")
COLUMN_SUMS = ("R3", "R4")  # a column of 三: the handling rows, and 一 + 二 = 总计 + 四

Key = tuple[str, str, str]  # (table, row, col)


def refuse_unconfirmed(cells: Sequence[Cell], form_rows: int) -> list[Cell]:
    """The cells, each value of 三 and 四 that no complete sum confirms refused: as
    SUM_FAILS when a sum it is part of fails, else as UNCONFIRMED."""
    values = _first_values(cells)
    rows = {c.row for c in cells if c.table == "application"}
    sums = equations(rows, form_rows)
    taken_back = _taken_back(cells, values, sums)
    cells = [
        replace(c, value=taken_back[k], reading=SUM_CONFIRMED)
        if (k := _key(c)) in taken_back and c.value is None
        else c
        for c in cells
    ]
    failing: set[Key] = set()
    holding: set[Key] = set()
    for equation in sums:
        keys = equation.table_cells
        if all(k in values for k in keys):
            (holding if _holds(equation, values) else failing).update(keys)
    return [_judged(c, failing, holding) for c in cells]


def columns_hold(cells: Sequence[Cell], form_rows: int) -> bool:
    """Whether every sum down table 三's columns (R3, R4) holds that its cells let be done,
    and one at least with a value other than 0 (a column of zeros holds whatever order its
    rows are in): what confirms rows placed where the form prints them."""
    values = _first_values(cells)
    sums = [e for e in equations((), form_rows) if e.check in COLUMN_SUMS]
    done = [e for e in sums if all(k in values for k in e.table_cells)]
    telling = [e for e in done if any(values[k] for k in e.table_cells)]
    return bool(telling) and all(_holds(e, values) for e in done)


def _taken_back(
    cells: Sequence[Cell], values: dict[Key, Number], sums: Sequence[Equation]
) -> dict[Key, Number]:
    """Doubted cells each the one value missing from a sum, whose reading is what the sum
    requires (added to `values` as they are found)."""
    readings = _doubted_readings(cells, values)
    found: dict[Key, Number] = {}
    progress = True
    while progress:
        progress = False
        for equation in sums:
            missing = [k for k in equation.table_cells if k not in values]
            if len(missing) != 1 or missing[0] not in readings:
                continue
            required = _required(equation, missing[0], values)
            if required in readings[missing[0]]:
                values[missing[0]] = found[missing[0]] = required
                progress = True
    return found


def _doubted_readings(cells: Sequence[Cell], values: dict[Key, Number]) -> dict[Key, set[Number]]:
    readings: dict[Key, set[Number]] = {}
    for c in cells:
        if c.value is None and c.reading in DOUBTED and c.table in SUMMED_TABLES:
            read = {v for v in (parse_count(c.raw), parse_count(c.second_raw)) if v is not None}
            if read and _key(c) not in values:
                readings.setdefault(_key(c), set()).update(read)
    return readings


def _required(equation: Equation, key: Key, values: dict[Key, Number]) -> Number:
    """The value `key` must have for the equation to hold, the rest as read."""
    printed = _total(equation, equation.printed, values, leaving_out=key)
    expected = _total(equation, equation.expected, values, leaving_out=key)
    return expected - printed if key[1:] in equation.printed else printed - expected


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
    return _total(equation, equation.printed, values) == _total(equation, equation.expected, values)


def _total(
    equation: Equation,
    side: tuple[tuple[str, str], ...],
    values: dict[Key, Number],
    leaving_out: Key | None = None,
) -> Number:
    """One side of the equation, summed (`leaving_out` one of its cells)."""
    keys = ((equation.table, r, c) for r, c in side)
    return sum((values[k] for k in keys if k != leaving_out), start=0)


def _key(cell: Cell) -> Key:
    return (cell.table, cell.row, cell.col)
