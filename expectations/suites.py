"""The form's relations R1–R6 and R8 as one Great Expectations suite, reports validated a few
at a time.

One frame per report (expectations/frames.py) carries every check's rows: every printed cell
(R1), every relation between printed values (R2–R5), every cell the form prints (R6), and
every application count the prose states (R8, a warning), each row tagged with its check. The
suite holds one expectation per check on its own rows; GX's unexpected rows become the cells
named in `dq_results.details`. A validation costs GX ~0.1 s whatever its rows (it builds its
expectations' metric graph again each time), as much as reading the report: a few reports'
frames stacked are validated at once, each row naming its report (`together`). R7, across
years, is expectations/continuity.py's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from expectations import frames
from expectations.gx import GxProcess
from nianbao.records import CheckResult, ExtractedReport

TITLES: dict[str, str] = {
    "R1": "every value is a number ≥ 0 (counts whole)",
    "R2": "table 三: 总计 = sum of the six applicant columns",
    "R3": "table 三: （七）总计 = （一）+（二）+（三）+（四）+（五）+（六）",
    "R4": "table 三: 一 + 二 = 三（七）+ 四",
    "R5": "table 四: 总计 = 维持 + 纠正 + 其他 + 尚未审结",
    "R6": "every cell of tables 三 and 四 present",
    "R8": "the application count the text states = table 三 row 一 (or 一 + 二), 总计",
}


@dataclass(frozen=True)
class Check:
    """One of the form's relations as GX expectations on the rows tagged with its id."""

    check_id: str
    # its expectations on its own columns (frames.checks_frame), given what they share
    expectations: Callable[..., list[Any]]
    keys: tuple[str, ...]  # the columns that name a failing row
    severity: str = "error"


def _read_as_numbers(check: str, **shared: Any) -> list[Any]:
    import great_expectations as gx

    return [
        gx.expectations.ExpectColumnValuesToBeInSet(
            column=f"{check}_number", value_set=[True], **shared
        ),
        gx.expectations.ExpectColumnValuesToBeBetween(
            column=f"{check}_value", min_value=0, **shared
        ),
    ]


def _printed_equals_expected(check: str, **shared: Any) -> list[Any]:
    import great_expectations as gx

    return [
        gx.expectations.ExpectColumnPairValuesToBeEqual(
            column_A=f"{check}_printed",
            column_B=f"{check}_expected",
            ignore_row_if="either_value_is_missing",
            **shared,
        )
    ]


def _holds(check: str, **shared: Any) -> list[Any]:
    import great_expectations as gx

    return [
        gx.expectations.ExpectColumnValuesToBeInSet(
            column=f"{check}_holds", value_set=[True], **shared
        )
    ]


_RELATION_KEYS = ("check_id", "where", "printed", "expected", "page")
CHECKS: tuple[Check, ...] = (
    Check("R1", _read_as_numbers, ("table", "row", "col", "raw", "page", "reading")),
    Check("R2", _printed_equals_expected, _RELATION_KEYS),
    Check("R3", _printed_equals_expected, _RELATION_KEYS),
    Check("R4", _printed_equals_expected, _RELATION_KEYS),
    Check("R5", _printed_equals_expected, _RELATION_KEYS),
    Check("R6", _holds, ("table", "row", "col", "why")),
    # A mismatch is worth a look, not proof: the text may count one office, the table the
    # whole body (real/hongze-district-2024: 17 stated, 95 in the table).
    Check("R8", _holds, ("stated", "text", "page", "row_1", "rows_1_2"), severity="warning"),
)
SUITE_NAME = "nianbao-report"
# Every failing row, named in Data Docs by the cell or relation it is about (frames' `cell`)
RESULT_FORMAT = {
    "result_format": "COMPLETE",
    "unexpected_index_column_names": ["report", "cell", "n"],
}
# Reports validated at once are named together by their validation (its Data Docs page), so
# that each stays findable in the index: as many as their names fit in a file name (GX's
# store names a folder by it: 255 bytes on most file systems), and at most MOST_TOGETHER,
# past which a validation's cost grows with its rows (bench/README.md, issue 15).
NAME_BYTES = 240
MOST_TOGETHER = 8
SEPARATOR = " · "
KEPT_END = 32  # of a label cut to fit: " 2023 (" and a 16-digit id, and a little more


def page_name(label: str) -> str:
    """A validation's label as its Data Docs page may be named: GX's file store refuses a
    name with a slash (an agency_id's host/name did, and R7's pages were never written), and
    the file system one longer than a file name (the page was not written): a label past
    NAME_BYTES keeps its end (year and id) and as much of its start as fits."""
    name = label.replace("/", "／").replace("\\", "＼")
    if len(name.encode()) <= NAME_BYTES:
        return name
    end = name[-KEPT_END:]
    start = name[:-KEPT_END]
    while len(f"{start}…{end}".encode()) > NAME_BYTES:
        start = start[:-1]
    return f"{start}…{end}"


def together(labels: Sequence[str]) -> list[list[int]]:
    """The labels' positions, in order, in the groups validated at once: as many as their
    joined names fit NAME_BYTES, at most MOST_TOGETHER."""
    groups: list[list[int]] = []
    size = 0
    for i, label in enumerate(labels):
        own = len(page_name(label).encode())
        grown = size + len(SEPARATOR.encode()) + own
        if groups and len(groups[-1]) < MOST_TOGETHER and grown <= NAME_BYTES:
            groups[-1].append(i)
            size = grown
        else:
            groups.append([i])
            size = own
    return groups


def spans(sizes: Sequence[int]) -> list[range]:
    """The rows of each of some frames of `sizes` rows, once stacked one under another."""
    out, start = [], 0
    for size in sizes:
        out.append(range(start, start + size))
        start += size
    return out


def validation_name(labels: Sequence[str]) -> str:
    """The name of a validation of reports labelled so: their labels, joined."""
    return page_name(SEPARATOR.join(labels))


def row_number(index: object) -> int:
    """A failing row's number, from GX's index entry (its named columns, or the bare index)."""
    return int(index["n"]) if isinstance(index, dict) else int(str(index))


def _suite_expectations() -> list[Any]:
    """One expectation per check (R1 has two: read as a number, and not below zero), each on
    its check's columns, described in the form's terms, with the check's id and severity."""
    return [
        expectation
        for check in CHECKS
        for expectation in check.expectations(
            check.check_id,
            description=f"{check.check_id}: {TITLES[check.check_id]}",
            severity="warning" if check.severity == "warning" else "critical",
            meta={"check_id": check.check_id},
        )
    ]


def validation_target(gx_process: GxProcess) -> Any:
    """The report suite's validation definition, registered once in the GX context (one keeps
    each result for Data Docs, where a bare batch.validate would not)."""

    def register(context: Any, source: Any) -> Any:
        import great_expectations as gx

        batch_definition = source.add_dataframe_asset(
            name="report"
        ).add_batch_definition_whole_dataframe("whole")
        suite = context.suites.add(
            gx.ExpectationSuite(name=SUITE_NAME, expectations=_suite_expectations())
        )
        return context.validation_definitions.add(
            gx.ValidationDefinition(data=batch_definition, suite=suite, name=SUITE_NAME)
        )

    return gx_process.registered("report-suite", register)


def validate_reports(
    target: Any, reports: Sequence[tuple[ExtractedReport, str]]
) -> list[tuple[CheckResult, ...]]:
    """R1–R6 and R8 on each (report, label), in order: a few reports to a GX validation
    (`together`), named by their labels (body, year and id) in Data Docs."""
    checked: list[tuple[CheckResult, ...]] = []
    for group in together([label for _, label in reports]):
        checked.extend(validate_together(target, [reports[i] for i in group]))
    return checked


def validate_together(
    target: Any, reports: Sequence[tuple[ExtractedReport, str]]
) -> list[tuple[CheckResult, ...]]:
    """One GX validation of the reports' stacked frames: for each report, one result per
    check, in check order; a failed one names its failing rows."""
    from great_expectations.core.run_identifier import RunIdentifier

    frame, each = _stacked([report for report, _ in reports], [label for _, label in reports])
    outcome = target.run(
        batch_parameters={"dataframe": frame},
        result_format=RESULT_FORMAT,
        run_id=RunIdentifier(run_name=validation_name([label for _, label in reports])),
    )
    failing: dict[str, set[int]] = {}
    for result in outcome.results:
        check = result.expectation_config.meta["check_id"]
        rows = result.result.get("unexpected_index_list") or []
        failing.setdefault(check, set()).update(row_number(i) for i in rows)
    return [
        tuple(
            _result(check, frame, sorted(n for n in failing.get(check.check_id, ()) if n in own))
            for check in CHECKS
        )
        for own in each
    ]


def _stacked(
    reports: Sequence[ExtractedReport], labels: Sequence[str]
) -> tuple[pd.DataFrame, list[range]]:
    """The reports' check frames one under another, each row naming its report (`report`)
    and numbered through (`n`); the rows of each report."""
    parts = [frames.checks_frame(report) for report in reports]
    rows = spans([len(part["n"]) for part in parts])
    # lists joined, not frames: the columns' types inferred as for one report alone
    columns = {k: [v for part in parts for v in part[k]] for k in parts[0]}
    columns["n"] = list(range(sum(map(len, rows))))
    columns["report"] = [label for label, span in zip(labels, rows, strict=True) for _ in span]
    return pd.DataFrame(columns), rows


def _result(check: Check, frame: pd.DataFrame, failing: list[int]) -> CheckResult:
    details = tuple(_detail(frame, check, i) for i in failing)
    title = TITLES[check.check_id]
    summary = title if not details else f"{title}: {len(details)} failing"
    return CheckResult(check.check_id, not details, check.severity, details, summary)


def _detail(frame: pd.DataFrame, check: Check, index: int) -> dict[str, object]:
    """The failing row's cells and values, read from our own frame by GX's row index."""
    row = frame.loc[index]
    detail = {k: plain_value(row[k]) for k in check.keys}
    if detail.get("why") == "":  # a cell missing from a table that was placed: no reason
        detail.pop("why")
    if "where" in detail:  # name the place as the relation does: row_code, applicant_code…
        detail[frames.RELATION_KEYS[str(detail["check_id"])]] = detail.pop("where")
        detail.pop("check_id")
    return detail


def plain_value(value: object) -> object:
    """A frame's value as JSON keeps it: a Python number (whole counts as ints) or as it is."""
    item = getattr(value, "item", None)  # numpy scalars → Python numbers, for JSON
    if callable(item):
        value = item()
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    return value
