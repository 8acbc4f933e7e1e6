"""A scan's value of 三 or 四 loads only where a sum of the form confirms it: a misread one is
refused, its neighbours are not; one no sum can check is refused too; 二's are left alone."""

from __future__ import annotations

from dataclasses import replace

import pytest

from extract.sums import SUM_CONFIRMED, SUM_FAILS, UNCONFIRMED, refuse_unconfirmed
from nianbao.records import Cell
from tests.conftest import sample_manifest, sample_truth
from tests.expectations.test_relations import failed, report_from_truth


@pytest.fixture(scope="module")
def clean() -> dict:
    """A sample report printed without a mistake (none planted)."""
    return clean_sample()


def clean_sample() -> dict:
    entry = next(
        m
        for m in sample_manifest()
        if m["kind"] == "report" and not sample_truth(m["truth"])["planted"]
    )
    return sample_truth(entry["truth"])


def read(truth: dict, change: dict[tuple[str, str, str], int] | None = None) -> list[Cell]:
    report = report_from_truth(truth, change)
    return refuse_unconfirmed(list(report.cells), report.form_rows)


def doubted(truth: dict, doubts: dict[tuple[str, str, str], tuple[str, str]]) -> list[Cell]:
    """The report as read, the cells in `doubts` refused by their readings (raw, second)."""
    report = report_from_truth(truth)
    cells = [
        replace(
            c, value=None, reading="ocr-readings-differ", raw=doubts[k][0], second_raw=doubts[k][1]
        )
        if (k := (c.table, c.row, c.col)) in doubts
        else c
        for c in report.cells
    ]
    return refuse_unconfirmed(cells, report.form_rows)


def refused(cells: list[Cell], why: str = SUM_FAILS) -> set[tuple[str, str, str]]:
    return {(c.table, c.row, c.col) for c in cells if c.reading == why}


def misread(truth: dict, key: tuple[str, str, str], by: int = 3) -> dict[tuple[str, str, str], int]:
    table, row, col = key
    return {key: truth[table][row][col] + by}


def test_a_reading_every_sum_confirms_loads_whole(clean: dict) -> None:
    cells = read(clean)
    assert refused(cells) == refused(cells, UNCONFIRMED) == set()
    assert all(c.value is not None for c in cells)


@pytest.mark.parametrize(
    "key",
    [
        ("application", "3.2", "natural_person"),  # R2 row and R3 column
        ("application", "1", "total"),  # R2 row and R4 column
        ("application", "3.7", "commercial_enterprise"),  # R2, R3 and R4
        ("application", "4", "other_org"),  # R2 and R4
        ("review", "reconsideration", "upheld"),  # R5 only: its proceeding's five cells
    ],
)
def test_a_misread_value_is_refused_and_its_neighbours_kept(clean: dict, key: tuple) -> None:
    cells = read(clean, misread(clean, key))
    gone = refused(cells)
    assert key in gone
    if key[0] == "application":
        assert gone == {key}  # each neighbour in its row is confirmed by its own column
    else:
        assert gone == {
            ("review", key[1], o) for o in ("upheld", "corrected", "other", "pending", "total")
        }
    assert all(c.value is None for c in cells if (c.table, c.row, c.col) in gone)


def test_a_refused_value_is_named_by_r1_and_no_wrong_sum_is_left(clean: dict) -> None:
    key = ("application", "3.2", "natural_person")
    cells = read(clean, misread(clean, key))
    report = report_from_truth(clean)
    found = failed(type(report)(**{**report.__dict__, "cells": tuple(cells)}))
    assert set(found) == {"R1"}
    assert [(d["row"], d["col"], d["reading"]) for d in found["R1"]] == [
        ("3.2", "natural_person", SUM_FAILS)
    ]


def test_a_sum_with_an_unread_cell_neither_refuses_nor_confirms(clean: dict) -> None:
    """Row 3.2's sum cannot be judged once a cell of it is unread: a misread elsewhere in the
    row is still refused by its column."""
    unread = ("application", "3.2", "commercial_enterprise")
    key = ("application", "3.2", "natural_person")
    cells = read(clean, {unread: "?", **misread(clean, key)})
    assert refused(cells) == {key}


def test_a_value_no_complete_sum_checks_is_refused_as_unconfirmed(clean: dict) -> None:
    """3.2 自然人's row lacks 3.2 商业企业 and its column lacks 3.1 自然人: neither sum can be
    done, so a wrong value there could not be named by any check; the same for 3.1 商业企业."""
    unread = {
        ("application", "3.2", "commercial_enterprise"): "?",
        ("application", "3.1", "natural_person"): "?",
    }
    cells = read(clean, unread)
    assert refused(cells, UNCONFIRMED) == {
        ("application", "3.2", "natural_person"),
        ("application", "3.1", "commercial_enterprise"),
    }
    assert refused(cells) == set()


def test_table_two_has_no_sums_and_is_left_as_read(clean: dict) -> None:
    row, cols = next(iter(clean["disclosure"].items()))
    col = next(c for c, v in cols.items() if isinstance(v, int))
    cells = read(clean, {("disclosure", row, col): cols[col] + 7})
    assert {(c.table, c.reading) for c in cells if c.table == "disclosure"} == {
        ("disclosure", "agree")
    }


def test_every_reading_a_reader_gives_has_a_meaning_for_the_mail() -> None:
    from extract.layout import DIFFERS, ROW_DOUBTED
    from nianbao.records import READING_MEANINGS

    given = {"agree", "camelot-differs", "ambiguous", SUM_FAILS, UNCONFIRMED, SUM_CONFIRMED}
    given |= {ROW_DOUBTED}
    given |= set(DIFFERS.values())
    assert given <= set(READING_MEANINGS)


def _value(truth: dict, key: tuple[str, str, str]) -> int:
    return truth[key[0]][key[1]][key[2]]


def test_a_doubted_value_a_sum_requires_is_taken_back(clean: dict) -> None:
    """3.2 自然人's readings differ (one reads 8 for its 3); it is the one value missing from
    its row, and the row's sum requires one of them: loaded as that."""
    key = ("application", "3.2", "natural_person")
    true = _value(clean, key)
    cells = doubted(clean, {key: (str(true + 5), str(true))})
    (cell,) = [c for c in cells if (c.table, c.row, c.col) == key]
    assert (cell.value, cell.reading) == (true, SUM_CONFIRMED)
    assert refused(cells) == refused(cells, UNCONFIRMED) == set()


def test_a_doubted_value_no_sum_requires_stays_refused(clean: dict) -> None:
    key = ("application", "3.2", "natural_person")
    true = _value(clean, key)
    cells = doubted(clean, {key: (str(true + 5), str(true + 6))})
    (cell,) = [c for c in cells if (c.table, c.row, c.col) == key]
    assert (cell.value, cell.reading) == (None, "ocr-readings-differ")


def test_values_taken_back_complete_the_sums_that_take_back_the_next() -> None:
    """Two doubted cells in row 3.2: neither is the one missing from the row, but 总计's column
    has only its own missing; taken back, the row has one missing left, taken back in turn."""
    clean = clean_sample()
    total, other = ("application", "3.2", "total"), ("application", "3.2", "other_org")
    cells = doubted(
        clean,
        {
            total: (str(_value(clean, total)), ""),
            other: (str(_value(clean, other)), ""),
            ("application", "3.1", "other_org"): ("?", ""),  # 其他's column: two missing
        },
    )
    got = {(c.table, c.row, c.col): (c.value, c.reading) for c in cells}
    assert got[total] == (_value(clean, total), SUM_CONFIRMED)
    assert got[other] == (_value(clean, other), SUM_CONFIRMED)


def test_a_zero_row_loads_where_its_columns_confirm_it(clean: dict) -> None:
    zero_rows = [
        r
        for r, cols in clean["application"].items()
        if r.startswith("3.") and not any(cols.values())
    ]
    assert zero_rows, "the sample report prints a row of zeros"
    cells = read(clean)
    assert all(c.value == 0 for c in cells if c.table == "application" and c.row in zero_rows)


def test_the_column_sums_confirm_a_placing_only_when_they_hold_and_tell() -> None:
    """columns_hold: what confirms table 三's rows placed where the form prints them (a scan
    whose labels were lost). A misread breaks it; a table of zeros holds in any order, so
    tells nothing."""
    from extract.sums import columns_hold

    truth = next(
        t
        for m in sample_manifest()
        if m["kind"] == "report"
        and not (t := sample_truth(m["truth"]))["planted"]
        and t["application"]["1"]["total"]
    )
    report = report_from_truth(truth)
    assert columns_hold(report.cells, report.form_rows)
    key = next(
        ("application", r, "natural_person")
        for r, cols in truth["application"].items()
        if r.startswith("3.") and r != "3.7"
    )
    misread_one = report_from_truth(truth, misread(truth, key))
    assert not columns_hold(misread_one.cells, report.form_rows)
    zeros = [replace(c, value=0) if c.table == "application" else c for c in report.cells]
    assert not columns_hold(zeros, report.form_rows)
