"""R7 across years: this year's 上年结转 equals last year's 结转下年度, same body, per column.

Checked on data drawn from the warehouse (both years must be loaded), as a GX expectation,
a few reports to a validation (suites.together); a failure is a warning about the pair of
reports, not a doubt about either's cells.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from expectations.gx import GxProcess
from expectations.suites import plain_value, spans, together, validation_name
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
SUITE_NAME = "nianbao-continuity"
DETAIL_KEYS = ("applicant_code", "year", "carried_in", "carried_out_last_year", "last_year_report")


def _target(gx_process: GxProcess) -> Any:
    """R7's validation definition (a suite of its one expectation), registered once."""

    def register(context: Any, source: Any) -> Any:
        import great_expectations as gx
        from great_expectations.expectations.metadata_types import FailureSeverity

        batch_definition = source.add_dataframe_asset(
            name="continuity"
        ).add_batch_definition_whole_dataframe("whole")
        expectation = gx.expectations.ExpectColumnPairValuesToBeEqual(
            column_A="carried_in",
            column_B="carried_out_last_year",
            ignore_row_if="either_value_is_missing",
            description=f"R7: {TITLE}",
            severity=FailureSeverity.WARNING,
            meta={"check_id": "R7"},
        )
        suite = context.suites.add(gx.ExpectationSuite(name=SUITE_NAME, expectations=[expectation]))
        return context.validation_definitions.add(
            gx.ValidationDefinition(data=batch_definition, suite=suite, name=SUITE_NAME)
        )

    return gx_process.registered("continuity", register)


def validate_continuity(
    gx_process: GxProcess, pairs: Sequence[Sequence[object]]
) -> dict[str, CheckResult]:
    """report_id → its R7 result, for every report that has last year's report to compare
    with: a few reports to a GX validation, named by their bodies and years in Data Docs."""
    target = _target(gx_process)
    frame = pd.DataFrame(list(pairs), columns=list(COLUMNS))
    reports = [rows.reset_index(drop=True) for _, rows in frame.groupby("report_id", sort=True)]
    labels = [_label(rows) for rows in reports]
    results = {}
    for group in together(labels):
        bad = _failing_rows(target, [reports[i] for i in group], [labels[i] for i in group])
        for i, found in zip(group, bad, strict=True):
            own = reports[i]
            details = tuple({k: plain_value(own.at[n, k]) for k in DETAIL_KEYS} for n in found)
            summary = TITLE if not found else f"{TITLE}: {len(found)} column(s) differ"
            results[str(own.at[0, "report_id"])] = CheckResult(
                "R7", not found, "warning", details, summary
            )
    return results


def _label(rows: pd.DataFrame) -> str:
    body = str(rows.at[0, "agency_id"]).split("/", 1)[-1]  # host/name: the name
    return f"{body} {rows.at[0, 'year']} ({rows.at[0, 'report_id']})"


def _failing_rows(target: Any, reports: list[pd.DataFrame], labels: list[str]) -> list[list[int]]:
    """One GX validation of the reports' rows stacked: each report's failing rows, by its own
    row numbers."""
    from great_expectations.core.run_identifier import RunIdentifier

    stacked = pd.concat(reports, ignore_index=True)
    outcome = target.run(
        batch_parameters={"dataframe": stacked},
        result_format="COMPLETE",
        run_id=RunIdentifier(run_name=validation_name(labels)),
    )
    bad = {int(i) for r in outcome.results for i in r.result.get("unexpected_index_list") or []}
    return [
        [n - rows.start for n in sorted(bad) if n in rows]
        for rows in spans([len(report) for report in reports])
    ]
