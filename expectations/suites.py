"""The form's relations R1–R6 and R8 as Great Expectations suites, run on one report.

Four frames (expectations/frames.py) carry the relations: every printed cell (R1), every
relation between printed values (R2–R5), every cell the form prints (R6), and every
application count the prose states (R8, a warning). Each is
validated once with its suite; GX's unexpected rows become the cells named in
`dq_results.details`.
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
class Suite:
    name: str
    build: Callable[[ExtractedReport], frames.Columns]
    expectations: Callable[[], list[Any]]
    checks: tuple[str, ...]  # the relations this suite decides
    keys: tuple[str, ...]  # the columns that name a failing row
    severity: str = "error"


def _cell_expectations() -> list[Any]:
    import great_expectations as gx

    return [
        gx.expectations.ExpectColumnValuesToNotBeNull(column="value"),
        gx.expectations.ExpectColumnValuesToBeBetween(column="value", min_value=0),
    ]


def _relation_expectations() -> list[Any]:
    import great_expectations as gx

    return [
        gx.expectations.ExpectColumnPairValuesToBeEqual(
            column_A="printed", column_B="expected", ignore_row_if="either_value_is_missing"
        )
    ]


def _completeness_expectations() -> list[Any]:
    import great_expectations as gx

    return [gx.expectations.ExpectColumnValuesToBeInSet(column="present", value_set=[True])]


def _prose_expectations() -> list[Any]:
    import great_expectations as gx

    return [gx.expectations.ExpectColumnValuesToBeInSet(column="agrees", value_set=[True])]


SUITES: tuple[Suite, ...] = (
    Suite(
        "cells",
        frames.cells_frame,
        _cell_expectations,
        ("R1",),
        ("table", "row", "col", "raw", "page", "reading"),
    ),
    Suite(
        "relations",
        frames.relations_frame,
        _relation_expectations,
        ("R2", "R3", "R4", "R5"),
        ("check_id", "where", "printed", "expected"),
    ),
    Suite(
        "completeness",
        frames.completeness_frame,
        _completeness_expectations,
        ("R6",),
        ("table", "row", "col", "why"),
    ),
    # A mismatch is worth a look, not proof: the text may count one office, the table the
    # whole body (real/hongze-district-2024: 17 stated, 95 in the table).
    Suite(
        "prose",
        frames.prose_frame,
        _prose_expectations,
        ("R8",),
        ("stated", "text", "page", "row_1", "rows_1_2"),
        severity="warning",
    ),
)


def _target(gx_process: GxProcess, name: str) -> Any:
    """The validation definition of one suite, registered once in the GX context (one keeps
    each result for Data Docs, where a bare batch.validate would not)."""

    def register(context: Any, source: Any) -> Any:
        import great_expectations as gx

        batch_definition = source.add_dataframe_asset(
            name=name
        ).add_batch_definition_whole_dataframe("whole")
        suite = next(s for s in SUITES if s.name == name)
        gx_suite = context.suites.add(
            gx.ExpectationSuite(name=f"nianbao-{name}", expectations=suite.expectations())
        )
        return context.validation_definitions.add(
            gx.ValidationDefinition(data=batch_definition, suite=gx_suite, name=f"nianbao-{name}")
        )

    return gx_process.registered(f"suite-{name}", register)


def validation_targets(gx_process: GxProcess) -> dict[str, Any]:
    """Every suite's validation definition, by suite name."""
    return {s.name: _target(gx_process, s.name) for s in SUITES}


def validate_reports(
    targets: dict[str, Any], reports: Sequence[tuple[ExtractedReport, str]]
) -> list[tuple[CheckResult, ...]]:
    """R1–R6 on several (report, label) at once: each suite runs once over all their rows.

    A GX validation costs about the same whatever its size, so a batch of reports shares
    three of them; each report's rows are told apart by their place in the joined frame.
    """
    from great_expectations.core.run_identifier import RunIdentifier

    run_id = RunIdentifier(run_name=_run_name([label for _, label in reports]))
    results: list[list[CheckResult]] = [[] for _ in reports]
    for suite in SUITES:
        parts = [suite.build(report) for report, _ in reports]
        sizes = [len(next(iter(part.values()))) for part in parts]
        joined = _joined(
            parts, [label for (_, label), n in zip(reports, sizes, strict=True) for _ in range(n)]
        )
        validation = targets[suite.name]
        outcome = validation.run(
            batch_parameters={"dataframe": joined}, result_format="COMPLETE", run_id=run_id
        )
        failing = {
            int(i) for r in outcome.results for i in (r.result.get("unexpected_index_list") or [])
        }
        start = 0
        for n, size in enumerate(sizes):
            own = sorted(i for i in failing if start <= i < start + size)
            results[n].extend(_by_check(suite, joined, own))
            start += size
    return [tuple(r) for r in results]


def _joined(parts: list[frames.Columns], labels: list[str]) -> pd.DataFrame:
    """The reports' rows one after another, each row naming its report (seen in Data Docs)."""
    columns = {k: [v for part in parts for v in part[k]] for k in parts[0]}
    return pd.DataFrame({**columns, "report": labels})


def _run_name(labels: list[str]) -> str:
    """How a batch is named in Data Docs: its reports (the first few, when there are many)."""
    shown = "; ".join(labels[:4])
    return shown if len(labels) <= 4 else f"{shown}; and {len(labels) - 4} more"


def _by_check(suite: Suite, frame: pd.DataFrame, failing: list[int]) -> list[CheckResult]:
    out = []
    for check in suite.checks:
        rows = [i for i in failing if "check_id" not in frame or frame.at[i, "check_id"] == check]
        details = tuple(_detail(frame, suite, i) for i in rows)
        summary = TITLES[check] if not details else f"{TITLES[check]}: {len(details)} failing"
        out.append(CheckResult(check, not details, suite.severity, details, summary))
    return out


def _detail(frame: pd.DataFrame, suite: Suite, index: int) -> dict[str, object]:
    """The failing row's cells and values, read from our own frame by GX's row index."""
    row = frame.loc[index]
    detail = {k: _plain(row[k]) for k in suite.keys}
    if detail.get("why") == "":  # a cell missing from a table that was placed: no reason
        detail.pop("why")
    if "where" in detail:  # name the place as the relation does: row_code, applicant_code…
        detail[frames.RELATION_KEYS[str(detail["check_id"])]] = detail.pop("where")
        detail.pop("check_id")
    return detail


def _plain(value: object) -> object:
    item = getattr(value, "item", None)  # numpy scalars → Python numbers, for JSON
    if callable(item):
        value = item()
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    return value
