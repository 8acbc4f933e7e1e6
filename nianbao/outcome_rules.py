"""What a run says happened to each file (ReportOutcome), decided from what was read and what
the warehouse took: pure rules, no stage imported, so the flow only calls them."""

from __future__ import annotations

from dataclasses import replace

from nianbao.records import FetchedFile, FileResult, ReportOutcome


def loaded(result: FileResult) -> ReportOutcome:
    """A report the warehouse took as new, with the checks it failed."""
    assert result.report is not None
    failed = tuple(c.check_id for c in result.checks if not c.success)
    return ReportOutcome(
        result.report_id,
        result.url,
        "loaded",
        result.report.agency,
        result.report.year,
        failed_checks=failed,
    )


def unchanged(result: FileResult) -> ReportOutcome:
    """A file the warehouse holds already: from an earlier run, or met twice in this one."""
    return ReportOutcome(result.report_id, result.url, "unchanged")


def unread(result: FileResult, newly_quarantined: bool) -> ReportOutcome:
    """A file with no report: known from an earlier run, or quarantined with its reason
    (`newly_quarantined`: not on record with that reason before, else it is unchanged)."""
    if result.known:
        return unchanged(result)
    status = "quarantined" if newly_quarantined else "unchanged"
    return ReportOutcome(result.report_id, result.url, status, reason=quarantine_reason(result))


def quarantine_reason(result: FileResult) -> str:
    return result.reason or "unreadable"


def with_work_done(outcome: ReportOutcome, result: FileResult) -> ReportOutcome:
    """The outcome, saying whether bytes came over the network (not a 304) and whether the
    file's tables were read this run (a report, or a downloaded file found unreadable)."""
    source = result.source
    downloaded = isinstance(source, FetchedFile) and not source.not_modified
    extracted = result.report is not None or (result.reason is not None and downloaded)
    return replace(outcome, downloaded=downloaded, extracted=extracted)
