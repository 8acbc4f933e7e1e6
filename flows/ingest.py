"""The nightly ingestion as one Prefect flow, read top to bottom as the pipeline:

crawl, its links handed to the downloads as it finds them → plan where files are read →
download (a thread per host), extract and validate (GX), load each batch as it is validated
→ R7 across years → Data Docs → run summary → run report → alert mail.

Where and when files are extracted is flows/pool's (a thread or worker processes); a run
writes to a working copy of the warehouse, published when the run ends (warehouse/publish.py).
"""

from __future__ import annotations

import signal
import time
import uuid
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

import warehouse
from extract.fetch import clear_partial_downloads
from extract.polite import Politeness, polite_client
from flows import alerting
from flows.download import crawl, politeness, remember
from flows.links import LinkFeed
from flows.loading import load
from flows.pool import ReadPool, process
from flows.pool.runners import even_shares
from flows.run import Run, source_label
from nianbao import alerts, run_report
from nianbao.progress import NO_PROGRESS, Progress
from nianbao.records import CheckResult, CrawlResult, GxResult, ReportOutcome, RunSummary
from nianbao.settings import Settings
from nianbao.sources import Portal
from warehouse import Warehouse


@flow(name="nianbao-ingest", log_prints=False, validate_parameters=False)
def ingest(
    source: str | Sequence[Portal],
    settings: Settings,
    allowed_host: str | None = None,
    progress: Progress | None = None,
    polite: Politeness | None = None,
) -> RunSummary:
    """One whole ingestion of a portal's listing URL (fetching from its host, or
    `allowed_host`), or of a night's portals all at once, into one working copy of the
    warehouse, published when it ends; `progress` is told how far it has got. Its requests
    are paced by `polite` when the command made it already (it reads robots.txt while a
    Prefect server starts), else by one made from `settings`."""
    portals = (
        (Portal.of_listing(source, allowed_host),) if isinstance(source, str) else tuple(source)
    )
    run_id = uuid.uuid4().hex[:12]
    journal = alerts.SentJournal(alerting.journal_path(settings.db_path))
    try:
        with warehouse.working_copy(
            settings.db_path, settings.lock_wait_seconds, on_published=journal.clear
        ) as work:
            warehouse.verify(work, shown_as=settings.db_path)  # `serve` checks nothing before
            with (
                Warehouse.open(work) as store,  # the copy is the run's own: no reader waits
                polite_client(polite or politeness(settings, portals)) as client,
            ):
                run = Run(
                    run_id, portals, settings, store, client, progress=progress or NO_PROGRESS
                )
                return _pipeline(run, journal)
    except warehouse.RunInProgress:
        raise
    except BaseException as err:  # SIGTERM and Ctrl-C too: the run is on record as failed
        label = source_label(portals)
        _record_failed_run(settings, run_id, label, err)
        if isinstance(err, Exception):  # not when stopped by hand
            alerting.mail_failure(settings, run_id, label, _failure_message(err))
        raise


def _pipeline(run: Run, journal: alerts.SentJournal) -> RunSummary:
    settings, store = run.settings, run.store
    clear_partial_downloads(settings.raw_folder)
    store.start_run(run.run_id, run.source)
    alerting.replay_journal(store, journal, settings.alert_to)
    known, cache = frozenset(store.known_report_ids()), store.fetch_cache()
    feed = LinkFeed()
    crawling = crawl.submit(run, store.known_items(), store.last_walks(), feed)
    crawling.add_done_callback(lambda _: feed.close())  # should the task never have begun
    with ReadPool(run, feed, known, cache) as pool:
        outcomes, gx_results = pool.read_and_load(lambda results: load(results, run))
        crawled = crawling.result()  # its failure (no portal could be crawled) is the run's
        remember(run, crawled)
        summary = _summary(run, crawled.found, outcomes)
        summary, continuity = _with_continuity(summary, run, pool)
        _data_docs(summary, settings, [*gx_results, *continuity], pool)
    store.finish_run(summary, "ok")
    run_report.write(
        settings.docs_folder / "report.html",
        store.run_report_data(),
        f"nianbao: {settings.db_path.name}",
    )
    return replace(summary, mail=alerting.alert(summary, run, journal))


def _summary(run: Run, found: CrawlResult, outcomes: dict[str, ReportOutcome]) -> RunSummary:
    """The run's summary: each report link's outcome in the crawl's order (portals' links
    taken in turn), whatever order they were downloaded in."""
    listed = [link.url for link in found.links]
    # a portal whose crawl failed part way had its first links downloaded all the same
    urls = listed + sorted(set(outcomes) - set(listed))
    return RunSummary(
        run.run_id,
        run.source,
        str(run.settings.db_path),
        tuple(outcomes[url] for url in urls),
        found.pages_visited,
        found.skipped_items,
        found.page_limit_reached,
    )


@task(name="check-continuity", cache_policy=NO_CACHE)
def check_continuity(
    pairs: list[tuple[object, ...]],
) -> tuple[dict[str, CheckResult], tuple[GxResult, ...]]:
    """R7 (GX) on a share of this year's and last year's values of the same bodies, in a
    worker; with GX's results of it, for Data Docs."""
    return process.VALIDATOR.validate_continuity(pairs), process.VALIDATOR.take_results()


def _with_continuity(
    summary: RunSummary, run: Run, pool: ReadPool
) -> tuple[RunSummary, list[GxResult]]:
    """R7 for the reports loaded now, against last year's and next year's of the same body,
    shared over the workers by report; with GX's results of it."""
    loaded = [o.report_id for o in summary.outcomes if o.status == "loaded"]
    pairs = run.store.continuity_pairs(loaded)
    shares = even_shares(pairs, pool.width, key=lambda pair: pair[0])  # a report's rows together
    checked = pool.run_side_by_side(check_continuity, [{"pairs": s} for s in shares])
    results = {rid: r for found, _ in checked for rid, r in found.items()}
    run.store.record_checks(run.run_id, results)
    failed = {rid for rid, r in results.items() if not r.success}
    outcomes = tuple(
        replace(o, failed_checks=(*o.failed_checks, "R7"))
        if o.report_id in failed and o.status == "loaded"
        else o
        for o in summary.outcomes
    )
    return replace(summary, outcomes=outcomes), [g for _, gx in checked for g in gx]


@task(name="data-docs-pages", cache_policy=NO_CACHE)
def data_docs_pages(folder: Path, results: list[GxResult]) -> float:
    """The Data Docs pages of a share of the run's validations, in a worker; when it began."""
    return process.VALIDATOR.build_pages(folder, results)


@task(name="data-docs", cache_policy=NO_CACHE)
def data_docs(
    folder: Path, run_id: str, results: list[GxResult], keep_runs: int, pages_since: float
) -> str | None:
    """Once the run's pages are built: the Data Docs site's index over the last `keep_runs`
    runs (this run's results kept beside it, older runs pruned), in a worker."""
    index = process.VALIDATOR.build_index(folder, run_id, results, keep_runs, pages_since)
    return str(index) if index else None


def _data_docs(
    summary: RunSummary, settings: Settings, results: list[GxResult], pool: ReadPool
) -> None:
    """docs/index.html, with this run's validations, when it validated anything: their pages
    built side by side in the workers (25 ms each), then the index."""
    if not summary.extractions:
        return
    folder = settings.docs_folder
    shares = even_shares(results, pool.width, key=lambda result: result[0])
    began = pool.run_side_by_side(
        data_docs_pages, [{"folder": folder, "results": s} for s in shares]
    )
    parameters = {
        "folder": folder,
        "run_id": summary.run_id,
        "results": results,
        "keep_runs": settings.docs_keep_runs,
        "pages_since": min(began, default=time.time() - 1),
    }
    index = pool.run(data_docs, parameters)
    if index is not None:
        get_run_logger().info("Data Docs: %s", index)


def _failure_message(err: BaseException) -> str:
    """What `runs.message` says of a failed run: Prefect turns SIGTERM into TerminationSignal."""
    signum = getattr(err, "signal", None)
    if isinstance(signum, int):
        return f"stopped by signal {signum} ({signal.Signals(signum).name})"
    return str(err) or type(err).__name__


def _record_failed_run(settings: Settings, run_id: str, source: str, err: BaseException) -> None:
    """A failed run publishes nothing it loaded, but its failure is on record (if the
    warehouse can still be written: a full disk may forbid even that)."""
    message = _failure_message(err)
    try:
        with (
            warehouse.working_copy(settings.db_path, settings.lock_wait_seconds) as work,
            Warehouse.open(work) as store,
        ):
            store.start_run(run_id, source)
            empty = RunSummary(run_id, source, str(settings.db_path), (), 0)
            store.finish_run(empty, "failed", message)
    except Exception as second:  # the first failure is the one to report
        get_run_logger().error("the failed run could not be recorded either: %s", second)
