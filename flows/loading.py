"""Loading a batch of validated files: new reports in one warehouse transaction, each file's
outcome by the rules of nianbao/outcome_rules.py."""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NO_CACHE

from flows.run import Run
from nianbao import outcome_rules
from nianbao.identity import agency_id, load_aliases
from nianbao.records import FetchedFile, FileResult, ReportOutcome, ReportToLoad


@task(name="load", cache_policy=NO_CACHE)
def load(results: list[FileResult], run: Run) -> list[ReportOutcome]:
    """Record validated results: the batch's reports in one warehouse transaction."""
    aliases = load_aliases(run.settings.aliases_file)
    loaded = _load_readable(results, run, aliases)
    outcomes = [
        outcome_rules.with_work_done(loaded.get(n) or _settle_unread(r, run), r)
        for n, r in enumerate(results)
    ]
    files = [r.source for r in results if isinstance(r.source, FetchedFile)]
    run.store.retire_failures(files)
    run.store.remember_fetches(files, run.night)
    return outcomes


def _settle_unread(result: FileResult, run: Run) -> ReportOutcome:
    """A file with no report: known from an earlier run, or quarantined with its reason."""
    if result.known:
        return outcome_rules.unread(result, newly_quarantined=False)
    reason = outcome_rules.quarantine_reason(result)
    new = run.store.quarantine_report(result.source, reason, run.run_id)
    return outcome_rules.unread(result, newly_quarantined=new)


def _load_readable(
    results: list[FileResult], run: Run, aliases: dict[str, str]
) -> dict[int, ReportOutcome]:
    """Load the batch's new reports together; their outcomes by position in `results`."""
    readable = [(n, r) for n, r in enumerate(results) if r.report is not None and not r.known]
    items = [_to_load(r, aliases) for _, r in readable]
    fresh = run.store.load_reports(items, run.run_id)
    return {
        n: outcome_rules.loaded(r) if new else outcome_rules.unchanged(r)
        for (n, r), new in zip(readable, fresh, strict=True)
    }  # not new: the same file under a second URL in this run


def _to_load(result: FileResult, aliases: dict[str, str]) -> ReportToLoad:
    assert result.report is not None and isinstance(result.source, FetchedFile)
    body = agency_id(result.url, result.report.agency, aliases)
    return ReportToLoad(result.source, result.report, result.checks, body)
