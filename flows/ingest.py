"""The nightly ingestion as one Prefect flow: crawl, then per file fetch → extract → validate → load."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import httpx
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

import warehouse
from expectations import validate_report
from extract.crawl import crawl_portal
from extract.fetch import fetch_report
from extract.report import extract_report
from nianbao.errors import EnvironmentBroken, TerminalError, TransientError
from nianbao.records import (
    CheckResult,
    CrawlResult,
    ExtractedReport,
    FetchedFile,
    FetchFailure,
    ReportOutcome,
    RunSummary,
)
from nianbao.settings import Settings


def _retry_transient(task: Any, task_run: Any, state: Any) -> bool:
    """Retry only network trouble and 5xx answers; a bad file will not get better."""
    try:
        state.result()
    except TransientError:
        return True
    except Exception:
        return False
    return False


def _client(settings: Settings) -> httpx.Client:
    return httpx.Client(
        timeout=settings.http_timeout_seconds,
        follow_redirects=True,
        headers={"User-Agent": settings.user_agent},
    )


@task(
    name="crawl",
    cache_policy=NO_CACHE,
    retries=2,
    retry_delay_seconds=1,
    retry_condition_fn=_retry_transient,
)
def crawl(source: str, settings: Settings) -> CrawlResult:
    with _client(settings) as client:
        return crawl_portal(client, source, settings.max_crawl_pages)


@task(
    name="fetch",
    cache_policy=NO_CACHE,
    retries=2,
    retry_delay_seconds=1,
    retry_condition_fn=_retry_transient,
)
def fetch(url: str, settings: Settings) -> FetchedFile | FetchFailure:
    with _client(settings) as client:
        return fetch_report(client, url, settings.raw_folder)


@task(name="extract", cache_policy=NO_CACHE)
def extract(fetched: FetchedFile) -> ExtractedReport:
    return extract_report(fetched.path)


@task(name="validate", cache_policy=NO_CACHE)
def validate(report: ExtractedReport) -> tuple[CheckResult, ...]:
    return validate_report(report)


@task(name="load", cache_policy=NO_CACHE)
def load(
    fetched: FetchedFile,
    report: ExtractedReport,
    checks: tuple[CheckResult, ...],
    db: Path,
    run_id: str,
) -> bool:
    return warehouse.load_report(db, fetched, report, checks, run_id)


@task(name="quarantine", cache_policy=NO_CACHE)
def quarantine(source: FetchedFile | FetchFailure, reason: str, db: Path, run_id: str) -> bool:
    return warehouse.quarantine_report(db, source, reason, run_id)


def process_file(url: str, settings: Settings, run_id: str, known: set[str]) -> ReportOutcome:
    """One attachment through the stages; a terminal error quarantines it, the run goes on."""
    fetched = fetch(url, settings)
    if fetched.report_id in known:
        return ReportOutcome(fetched.report_id, url, "unchanged")
    known.add(fetched.report_id)
    if isinstance(fetched, FetchFailure):
        quarantine(fetched, fetched.reason, settings.db_path, run_id)
        return ReportOutcome(fetched.report_id, url, "quarantined", reason=fetched.reason)
    try:
        report = extract(fetched)
    except TerminalError as err:
        quarantine(fetched, err.reason, settings.db_path, run_id)
        return ReportOutcome(fetched.report_id, url, "quarantined", reason=err.reason)
    checks = validate(report)
    load(fetched, report, checks, settings.db_path, run_id)
    failed = tuple(c.check_id for c in checks if not c.success)
    return ReportOutcome(
        fetched.report_id, url, "loaded", report.agency, report.year, failed_checks=failed
    )


@flow(name="nianbao-ingest", log_prints=False)
def ingest(source: str, settings: Settings) -> RunSummary:
    run_id = uuid.uuid4().hex[:12]
    warehouse.start_run(settings.db_path, run_id, source)
    try:
        summary = _ingest_files(source, settings, run_id)
    except Exception as err:
        empty = RunSummary(run_id, source, str(settings.db_path), (), 0)
        warehouse.finish_run(settings.db_path, empty, "failed", str(err))
        raise
    warehouse.finish_run(settings.db_path, summary, "ok")
    return summary


def _ingest_files(source: str, settings: Settings, run_id: str) -> RunSummary:
    logger = get_run_logger()
    try:
        found = crawl(source, settings)
    except TransientError as err:
        raise EnvironmentBroken(f"portal unreachable after retries: {err}") from err
    logger.info(
        "crawl: %d report file(s) on %d page(s) of %s",
        len(found.links),
        found.pages_visited,
        source,
    )
    known = warehouse.known_report_ids(settings.db_path)
    outcomes = []
    for i, link in enumerate(found.links, start=1):
        outcome = process_file(link.url, settings, run_id, known)
        logger.info("[%d/%d] %s %s", i, len(found.links), outcome.status, _describe(outcome))
        outcomes.append(outcome)
    return RunSummary(
        run_id,
        source,
        str(settings.db_path),
        tuple(outcomes),
        found.pages_visited,
        found.skipped_items,
    )


def _describe(outcome: ReportOutcome) -> str:
    if outcome.status == "quarantined":
        return f"{outcome.url}: {outcome.reason}"
    if outcome.status == "loaded":
        flags = f" (failed: {', '.join(outcome.failed_checks)})" if outcome.failed_checks else ""
        return f"{outcome.agency} {outcome.year}{flags}"
    return outcome.url
