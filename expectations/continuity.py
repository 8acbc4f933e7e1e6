"""R7 across years: this year's 上年结转 equals last year's 结转下年度, same body, per column.

Checked on data drawn from the warehouse (both years must be loaded), as a GX expectation;
a failure is a warning about the pair of reports, not a doubt about either's cells.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import pandas as pd

from expectations.gx import GxProcess
from expectations.suites import _plain
from nianbao.records import CheckResult

COLUMNS = (
    "report_id",
    "agency_id",
    "year",
    "applicant_code",
    "carried_in",
    "carried_out_last_year",
    "last_year_report",
)
TITLE = "上年结转 (row 2) = last year's 结转下年度 (row 4), same body"


def _target(gx_process: GxProcess) -> tuple[Any, Any]:
    """(batch definition, R7's expectation), registered once in the GX context."""

    def register(context: Any, source: Any) -> tuple[Any, Any]:
        import great_expectations as gx

        batch_definition = source.add_dataframe_asset(
            name="continuity"
        ).add_batch_definition_whole_dataframe("whole")
        expectation = gx.expectations.ExpectColumnPairValuesToBeEqual(
            column_A="carried_in",
            column_B="carried_out_last_year",
            ignore_row_if="either_value_is_missing",
        )
        return batch_definition, expectation

    return cast(tuple[Any, Any], gx_process.registered("continuity", register))


def validate_continuity(
    gx_process: GxProcess, pairs: Sequence[Sequence[object]]
) -> dict[str, CheckResult]:
    """report_id → its R7 result, for every report that has last year's report to compare with."""
    frame = pd.DataFrame(list(pairs), columns=list(COLUMNS))
    batch_definition, expectation = _target(gx_process)
    outcome = batch_definition.get_batch(batch_parameters={"dataframe": frame}).validate(
        expectation, result_format={"result_format": "COMPLETE"}
    )
    failing = {int(i) for i in outcome.result.get("unexpected_index_list") or []}
    results = {}
    for report_id, rows in frame.groupby("report_id", sort=True):
        bad = [i for i in rows.index if i in failing]
        details = tuple(
            {
                k: _plain(frame.at[i, k])
                for k in (
                    "applicant_code",
                    "year",
                    "carried_in",
                    "carried_out_last_year",
                    "last_year_report",
                )
            }
            for i in bad
        )
        summary = TITLE if not bad else f"{TITLE}: {len(bad)} column(s) differ"
        results[str(report_id)] = CheckResult("R7", not bad, "warning", details, summary)
    return results
