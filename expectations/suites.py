"""The form's relations R1–R6 as Great Expectations expectations, run on one report.

Each relation is a frame (expectations/frames.py) and an expectation over it; GE's
unexpected rows become the cells named in `dq_results.details`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import pandas as pd

from expectations import frames
from nianbao.records import CheckResult, ExtractedReport


@dataclass(frozen=True)
class Relation:
    check_id: str
    severity: str
    title: str
    build: Callable[[pd.DataFrame, int], pd.DataFrame]
    expectation: Callable[[], Any]
    keys: tuple[str, ...]


def _pair_equal() -> Any:
    import great_expectations as gx

    return gx.expectations.ExpectColumnPairValuesToBeEqual(
        column_A="printed", column_B="expected", ignore_row_if="either_value_is_missing"
    )


def _values_present() -> Any:
    import great_expectations as gx

    return gx.expectations.ExpectColumnValuesToNotBeNull(column="value")


def _values_non_negative() -> Any:
    import great_expectations as gx

    return gx.expectations.ExpectColumnValuesToBeBetween(column="value", min_value=0)


def _all_present() -> Any:
    import great_expectations as gx

    return gx.expectations.ExpectColumnValuesToBeInSet(column="present", value_set=[True])


RELATIONS: tuple[Relation, ...] = (
    Relation(
        "R1",
        "error",
        "every value is a number ≥ 0 (counts whole)",
        lambda c, n: c,
        _values_present,
        ("table", "row", "col", "raw", "page"),
    ),
    Relation(
        "R1",
        "error",
        "every value is a number ≥ 0 (counts whole)",
        lambda c, n: c,
        _values_non_negative,
        ("table", "row", "col", "raw", "page"),
    ),
    Relation(
        "R2",
        "error",
        "table 三: 总计 = sum of the six applicant columns",
        lambda c, n: frames.row_totals_frame(c),
        _pair_equal,
        ("row_code", "printed", "expected"),
    ),
    Relation(
        "R3",
        "error",
        "table 三: （七）总计 = （一）+（二）+（三）+（四）+（五）+（六）",
        frames.outcome_total_frame,
        _pair_equal,
        ("applicant_code", "printed", "expected"),
    ),
    Relation(
        "R4",
        "error",
        "table 三: 一 + 二 = 三（七）+ 四",
        lambda c, n: frames.balance_frame(c),
        _pair_equal,
        ("applicant_code", "printed", "expected"),
    ),
    Relation(
        "R5",
        "error",
        "table 四: 总计 = 维持 + 纠正 + 其他 + 尚未审结",
        lambda c, n: frames.review_totals_frame(c),
        _pair_equal,
        ("proceeding_code", "printed", "expected"),
    ),
    Relation(
        "R6",
        "error",
        "every cell of tables 三 and 四 present",
        frames.completeness_frame,
        _all_present,
        ("table", "row", "col"),
    ),
)


@cache
def _context() -> Any:
    # No network here or on most servers that run nianbao: GX must not phone home.
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


@cache
def _pandas_source() -> Any:
    return _context().data_sources.add_pandas("nianbao")


@cache
def _batch_definition(name: str) -> Any:
    asset = _pandas_source().add_dataframe_asset(name=name)
    return asset.add_batch_definition_whole_dataframe("whole")


def validate_report(report: ExtractedReport) -> tuple[CheckResult, ...]:
    """R1–R6 on one report, merged per check id, in check order."""
    cells = frames.cells_frame(report)
    merged: dict[str, CheckResult] = {}
    for index, relation in enumerate(RELATIONS):
        frame = relation.build(cells, report.form_rows).reset_index(drop=True)
        result = _run(f"{relation.check_id}_{index}", frame, relation)
        merged[relation.check_id] = _merge(merged.get(relation.check_id), result)
    return tuple(merged.values())


def _run(name: str, frame: pd.DataFrame, relation: Relation) -> CheckResult:
    batch = _batch_definition(name).get_batch(batch_parameters={"dataframe": frame})
    outcome = batch.validate(
        relation.expectation(),
        result_format={"result_format": "COMPLETE"},
    )
    unexpected = outcome.result.get("unexpected_index_list") or []
    details = tuple(_detail(frame, relation, item) for item in unexpected)
    return CheckResult(
        check_id=relation.check_id,
        success=bool(outcome.success),
        severity=relation.severity,
        details=details,
        summary=relation.title if outcome.success else f"{relation.title}: {len(details)} failing",
    )


def _detail(frame: pd.DataFrame, relation: Relation, index: Any) -> dict[str, object]:
    """The failing row's cells and values, read from our own frame by GX's row index."""
    row = frame.loc[int(index)]
    return {k: _plain(row[k]) for k in relation.keys}


def _plain(value: object) -> object:
    item = getattr(value, "item", None)  # numpy scalars → Python numbers, for JSON
    if callable(item):
        value = item()
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    return value


def _merge(first: CheckResult | None, second: CheckResult) -> CheckResult:
    if first is None:
        return second
    success = first.success and second.success
    return CheckResult(
        check_id=first.check_id,
        success=success,
        severity=first.severity,
        details=first.details + second.details,
        summary=first.summary if first.success is success else second.summary,
    )
