"""What a run says happened to each file (nianbao/outcome_rules.py), and the run's one line."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from nianbao import outcome_rules
from nianbao.records import (
    CheckResult,
    ExtractedReport,
    FetchedFile,
    FetchFailure,
    FileResult,
    ReportOutcome,
    RunSummary,
    SkippedItem,
)

NOW = datetime(2026, 12, 3, tzinfo=UTC)
URL = "http://127.0.1.1/report.pdf"


def _file(not_modified: bool = False) -> FetchedFile:
    return FetchedFile(URL, "ab" * 32, "/raw/x.pdf", 10, NOW, not_modified=not_modified)


def _report() -> ExtractedReport:
    return ExtractedReport("某局", 2023, 25, (), 3, (2, 3), "lattice")


def test_a_loaded_report_names_its_failed_checks_only() -> None:
    checks = (CheckResult("R1", True, "error"), CheckResult("R3", False, "error"))
    outcome = outcome_rules.loaded(FileResult(URL, _file(), _report(), checks=checks))
    assert (outcome.status, outcome.agency, outcome.year) == ("loaded", "某局", 2023)
    assert outcome.failed_checks == ("R3",)


@pytest.mark.parametrize(
    ("known", "new", "status"),
    [(True, True, "unchanged"), (False, True, "quarantined"), (False, False, "unchanged")],
)
def test_an_unread_file_is_quarantined_once(known: bool, new: bool, status: str) -> None:
    result = FileResult(URL, _file(), reason="no tables", known=known)
    outcome = outcome_rules.unread(result, newly_quarantined=new)
    assert outcome.status == status
    assert outcome.reason == (None if known else "no tables")


def test_a_failure_without_a_reason_is_called_unreadable() -> None:
    failure = FetchFailure(URL, "", NOW)
    assert outcome_rules.quarantine_reason(FileResult(URL, failure)) == "unreadable"


@pytest.mark.parametrize(
    ("result", "downloaded", "extracted"),
    [
        (FileResult(URL, _file(), _report()), True, True),
        (FileResult(URL, _file(not_modified=True), known=True), False, False),
        (FileResult(URL, _file(), reason="no tables"), True, True),  # read and found unreadable
        (FileResult(URL, FetchFailure(URL, "HTTP 404", NOW), reason="HTTP 404"), False, False),
    ],
)
def test_work_done_says_what_was_downloaded_and_read(
    result: FileResult, downloaded: bool, extracted: bool
) -> None:
    outcome = outcome_rules.with_work_done(ReportOutcome("id", URL, "loaded"), result)
    assert (outcome.downloaded, outcome.extracted) == (downloaded, extracted)


def test_the_run_line_counts_every_outcome_and_skip() -> None:
    outcomes = (
        ReportOutcome("a", URL, "loaded", failed_checks=("R2", "R8")),
        ReportOutcome("b", URL, "unchanged"),
        ReportOutcome("c", URL, "quarantined", reason="scan"),
    )
    skipped = (SkippedItem("http://127.0.1.1/x", "通知", "not a report title"),)
    summary = RunSummary("r1", "http://127.0.1.1/", "w.duckdb", outcomes, 2, skipped)
    assert summary.line() == (
        "reports found 3, loaded 1, unchanged 1, quarantined 1, checks failed 2, skipped items 1"
    )
