"""The nightly ingestion as one Prefect flow.

crawl → download (in batches when paced) → read the tables and judge them (GX), in worker
processes, starting while paced downloads go on → load (DuckDB), in the flow's own process as
each worker's results arrive → R7 and Data Docs (in a worker) → alert mail → run summary.

The flow's process only downloads, loads and keeps count: with 2 workers on 2 cores, any
CPU it spends is taken from the workers (judging in the flow's process cost them a large share
of a run: bench/README.md, "Why the run is built as it is"); the workers' forkserver builds GX
once, before they fork.
"""

from __future__ import annotations

import signal
import smtplib
import uuid
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture, PrefectWrappedFuture, as_completed
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

import expectations
import warehouse
from extract import crawl_portal, fetch_report, read_fetched
from extract.fetch import clear_partial_downloads
from extract.http import Limits
from extract.polite import Politeness, polite_client
from flows.run import Run
from flows.runners import (
    ForkserverTaskRunner,
    even_tasks,
    fetch_batches,
    start_forkserver,
    task_chunks,
    task_runner,
    workers_share_api,
)
from nianbao import alerts, outcome_rules
from nianbao.errors import EnvironmentBroken, TransientError
from nianbao.identity import agency_id, load_aliases
from nianbao.records import (
    CachedFetch,
    CheckResult,
    CrawlResult,
    FetchedFile,
    FetchFailure,
    FileResult,
    Finding,
    GxResult,
    JudgedBatch,
    ReportOutcome,
    ReportToLoad,
    RunSummary,
)
from nianbao.settings import Settings
from warehouse import Warehouse


def _politeness(settings: Settings) -> Politeness:
    """The run's pace per host and robots.txt rules, shared by every client it opens."""
    return Politeness(
        settings.user_agent,
        settings.rate_per_second,
        settings.respect_robots,
        settings.http_timeout_seconds,
        settings.request_deadline_seconds,
    )


def _limits(settings: Settings) -> Limits:
    return Limits(
        deadline_seconds=settings.request_deadline_seconds,
        max_bytes=settings.max_download_bytes,
        attempts=settings.fetch_attempts,
        backoff_seconds=settings.retry_backoff_seconds,
        max_wait_seconds=settings.max_retry_after_seconds,
    )


@task(name="crawl", cache_policy=NO_CACHE)
def crawl(
    source: str, settings: Settings, politeness: Politeness, allowed_host: str | None = None
) -> CrawlResult:
    """The portal's report links; every page is tried again while it fails transiently, and
    a listing that still fails means the portal cannot be crawled tonight."""
    with polite_client(politeness) as client:
        try:
            return crawl_portal(
                client, source, settings.max_crawl_pages, allowed_host, _limits(settings)
            )
        except TransientError as err:
            raise EnvironmentBroken(f"portal unreachable after retries: {err}") from err


@task(name="fetch", cache_policy=NO_CACHE)
def fetch(
    urls: list[str],
    settings: Settings,
    cache: dict[str, CachedFetch],
    politeness: Politeness,
    allowed_host: str,
) -> list[FetchedFile | FetchFailure]:
    """Download what changed (conditional GETs: a 304 downloads nothing), in the flow's
    process; a URL that fails is a FetchFailure with its reason, never the batch's end."""
    limits = _limits(settings)
    with polite_client(politeness) as client:
        return [
            fetch_report(client, url, settings.raw_folder, cache.get(url), allowed_host, limits)
            for url in urls
        ]


@task(name="read", cache_policy=NO_CACHE)
def read(files: list[FetchedFile], judge: bool) -> JudgedBatch:
    """Read the tables of a few new files, and in a worker process validate them (GX)
    together too, GX's results going back with them for Data Docs. In the flow's process
    (a small run, one worker) the flow judges as it loads, alongside the next reading."""
    results = [read_fetched(f) for f in files]
    if not judge:
        return JudgedBatch(tuple(results))
    return JudgedBatch(tuple(_judged(results)), expectations.take_results())


@task(name="load", cache_policy=NO_CACHE)
def load(results: list[FileResult], run: Run) -> list[ReportOutcome]:
    """Record judged results: the batch's reports in one warehouse transaction."""
    aliases = load_aliases(run.settings.aliases_file)
    loaded = _load_readable(results, run, aliases)
    outcomes = [
        outcome_rules.with_work_done(loaded.get(n) or _settle_unread(r, run), r)
        for n, r in enumerate(results)
    ]
    files = [r.source for r in results if isinstance(r.source, FetchedFile)]
    run.store.retire_failures(files)
    run.store.remember_fetches(files)
    return outcomes


def _judged(results: list[FileResult]) -> list[FileResult]:
    """The results with their checks: the batch's new reports validated together."""
    readable = [(n, r.report) for n, r in enumerate(results) if r.report is not None]
    checks = expectations.validate_reports([(rep, _label(results[n])) for n, rep in readable])
    judged = list(results)
    for (n, _), found in zip(readable, checks, strict=True):
        judged[n] = replace(results[n], checks=found)
    return judged


def _label(result: FileResult) -> str:
    report = result.report
    assert report is not None
    return f"{report.agency} {report.year} ({result.report_id})"


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


def _likely_new(urls: list[str], cache: dict[str, CachedFetch], known: frozenset[str]) -> int:
    """Links that may bring a file to read: never fetched, and not a link recorded as dead."""
    return sum(1 for url in urls if url not in cache and FetchFailure.id_for(url) not in known)


def _start_early(runner: TaskRunner[Any], likely_new: int) -> None:
    """When the crawl lists files never fetched before, start what reading and judging them
    needs while they download (at 2 requests a second, long before they are needed): the
    workers' forkserver (it builds GX), or when they are read in this process, the GX import
    (seconds) in a thread. A night with nothing new starts neither."""
    if likely_new == 0:
        return
    if _judges_here(runner):
        expectations.warm_up()
    elif isinstance(runner, ForkserverTaskRunner):
        start_forkserver(runner)


def _judges_here(runner: TaskRunner[Any]) -> bool:
    """Files are read in this process (a thread), so judged here too: while the next ones
    are read, as before the workers, rather than after them in the same thread."""
    return isinstance(runner, ThreadPoolTaskRunner)


@flow(name="nianbao-ingest", log_prints=False, validate_parameters=False)
def ingest(source: str, settings: Settings, allowed_host: str | None = None) -> RunSummary:
    """One whole ingestion into a working copy of the warehouse, published when it ends."""
    run_id = uuid.uuid4().hex[:12]
    journal = alerts.SentJournal(_journal_path(settings.db_path))
    try:
        with warehouse.working_copy(
            settings.db_path, settings.lock_wait_seconds, on_published=journal.clear
        ) as work:
            warehouse.verify(work, shown_as=settings.db_path)  # `serve` checks nothing before
            with Warehouse.open(work) as store:  # the copy is the run's own: no reader waits
                run = Run(run_id, source, settings, store)
                clear_partial_downloads(settings.raw_folder)
                store.start_run(run_id, source)
                _replay_journal(store, journal, settings.alert_to)
                summary = _ingest_files(run, allowed_host)
                store.finish_run(summary, "ok")
                alert(summary, run, journal)
    except warehouse.RunInProgress:
        raise
    except BaseException as err:  # SIGTERM and Ctrl-C too: the run is on record as failed
        _record_failed_run(settings, run_id, source, err)
        raise
    return summary


def _journal_path(db_path: Path) -> Path:
    real = warehouse.real_path(db_path)
    return real.with_name(real.name + ".alerts-sent")


def _replay_journal(store: Warehouse, journal: alerts.SentJournal, recipients: list[str]) -> None:
    """Mailings an earlier run made but did not publish (it was killed, or its publish
    failed): recorded now, so that they are not mailed again."""
    for run_id, sent in journal.entries():
        store.record_deliveries(run_id, sent, recipients)


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


@task(name="check-continuity", cache_policy=NO_CACHE)
def check_continuity(pairs: list[tuple[object, ...]]) -> dict[str, CheckResult]:
    """R7 (GX) on this year's and last year's values of the same bodies, in a worker."""
    return expectations.validate_continuity(pairs)


def _with_continuity(summary: RunSummary, run: Run, runner: TaskRunner[Any]) -> RunSummary:
    """R7 for the reports loaded now, against last year's and next year's of the same body."""
    loaded = [o.report_id for o in summary.outcomes if o.status == "loaded"]
    pairs = run.store.continuity_pairs(loaded)
    results = runner.submit(check_continuity, {"pairs": pairs}).result() if pairs else {}
    run.store.record_checks(run.run_id, results)
    failed = {rid for rid, r in results.items() if not r.success}
    outcomes = tuple(
        replace(o, failed_checks=(*o.failed_checks, "R7"))
        if o.report_id in failed and o.status == "loaded"
        else o
        for o in summary.outcomes
    )
    return replace(summary, outcomes=outcomes)


@task(name="data-docs", cache_policy=NO_CACHE)
def data_docs(folder: Path, results: list[GxResult]) -> str | None:
    """Great Expectations Data Docs of the reports judged in this run, in a worker."""
    index = expectations.build_docs(folder, results)
    return str(index) if index else None


def _data_docs(
    summary: RunSummary, settings: Settings, results: list[GxResult], runner: TaskRunner[Any]
) -> None:
    """docs/<run_id>/index.html, when this run judged anything."""
    if not summary.extractions:
        return
    folder = settings.docs_folder / summary.run_id
    index = runner.submit(data_docs, {"folder": folder, "results": results}).result()
    if index is not None:
        get_run_logger().info("Data Docs: %s", index)


@task(name="alert", cache_policy=NO_CACHE)
def alert(summary: RunSummary, run: Run, journal: alerts.SentJournal) -> int:
    """Mail the findings each recipient has not had; what the server did not take (down, or
    a recipient refused) stays pending for the next run. Each mailing is journalled the moment
    the server takes it, so a run killed before publishing does not mail it again."""
    logger = get_run_logger()
    settings = run.settings
    # findings every recipient already had (a mailing replayed from the journal) are settled
    run.store.settle_alerts(summary.run_id, settings.alert_to)
    pending = run.store.pending_findings()
    if not pending:
        return 0
    if not settings.smtp_host or not settings.alert_to:
        logger.warning(
            "%d finding(s) pending: no SMTP host or recipients set (NIANBAO_SMTP_HOST, NIANBAO_ALERT_TO)",
            len(pending),
        )
        return 0
    had = run.store.delivered([f.finding_key for f in pending])
    sent = 0
    for group, findings in alerts.mailings(pending, settings.alert_to, had):
        try:
            took = _mail(group, findings, summary, run, journal)
        except (OSError, smtplib.SMTPException) as err:
            logger.warning(
                "alert mail to %s not sent (%s: %s); %d finding(s) stay pending",
                ", ".join(group),
                type(err).__name__,
                err,
                len(findings),
            )
            continue
        if refused := [who for who in group if who not in took]:
            logger.warning(
                "the mail server refused %s: their findings stay pending", ", ".join(refused)
            )
        if took:
            logger.info("alert mail sent to %s: %d finding(s)", ", ".join(took), len(findings))
            sent += len(findings)
    return sent


def _mail(
    group: list[str],
    findings: list[Finding],
    summary: RunSummary,
    run: Run,
    journal: alerts.SentJournal,
) -> list[str]:
    """Mail `findings` to `group`; who the server took it for, on record (journal, then the
    warehouse) the moment it took it."""
    settings = run.settings
    docs = settings.docs_folder / summary.run_id / "index.html"
    message = alerts.compose(findings, summary, settings, docs if docs.exists() else None, group)
    keys = [f.finding_key for f in findings]
    took: list[str] = []

    def accepted(refused: set[str]) -> None:
        took.extend(who for who in group if who not in refused)
        if took:
            journal.append(summary.run_id, took, keys)
            pairs = [(k, who) for k in keys for who in took]
            run.store.record_deliveries(summary.run_id, pairs, settings.alert_to)

    alerts.send(message, settings, accepted)
    return took


def _ingest_files(run: Run, allowed_host: str | None = None) -> RunSummary:
    logger = get_run_logger()
    source, settings, run_id = run.source, run.settings, run.run_id
    politeness = _politeness(settings)
    found = crawl(source, settings, politeness, allowed_host)
    urls = [link.url for link in found.links]
    logger.info(
        "crawl: %d report file(s) on %d page(s) of %s", len(urls), found.pages_visited, source
    )
    if found.page_limit_reached:
        logger.warning(
            "crawl stopped at its limit of %d pages (NIANBAO_MAX_CRAWL_PAGES): "
            "the column was not seen whole",
            settings.max_crawl_pages,
        )
    run.store.record_skips(run_id, source, list(found.skipped_items))
    host = allowed_host or urlsplit(source).hostname or ""
    known = frozenset(run.store.known_report_ids())
    cache = run.store.fetch_cache()
    expected = _likely_new(urls, cache, known)
    runner = task_runner(settings, expected)
    _start_early(runner, expected)
    with workers_share_api(runner), runner:
        outcomes, gx_results = _read_and_load(runner, urls, run, known, cache, (politeness, host))
        ordered = tuple(outcomes[url] for url in urls)
        summary = RunSummary(
            run_id,
            source,
            str(settings.db_path),
            ordered,
            found.pages_visited,
            found.skipped_items,
            found.page_limit_reached,
        )
        summary = _with_continuity(summary, run, runner)
        _data_docs(summary, settings, gx_results, runner)
    return summary


def _read_and_load(
    runner: TaskRunner[Any],
    urls: list[str],
    run: Run,
    known: frozenset[str],
    cache: dict[str, CachedFetch],
    fetching: tuple[Politeness, str],  # the run's pace, and the host downloads must stay on
) -> tuple[dict[str, ReportOutcome], list[GxResult]]:
    """Download in batches and read while downloading: between batches, a worker with
    nothing to do gets the new files; once all are in, the rest go out in rounds. The
    outcome of every URL, and GX's results of judging the files read."""
    logger = get_run_logger()
    settings = run.settings
    outcomes: dict[str, ReportOutcome] = {}
    gx_results: list[GxResult] = []
    here = _judges_here(runner)  # else the workers judge what they read

    def record(batch: JudgedBatch) -> None:
        judged = _judged(list(batch.results)) if here else batch.results
        # quote: Prefect would walk every cell of every report to track task inputs (seconds of
        # the flow's CPU on a hundred reports); a batch's inputs need no tracking.
        results = cast(list[FileResult], quote(list(judged)))
        for outcome in load(results, run):
            outcomes[outcome.url] = outcome
            logger.info(
                "[%d/%d] %s %s", len(outcomes), len(urls), outcome.status, _describe(outcome)
            )
        gx_results.extend(batch.gx_results)

    if not urls:
        return outcomes, gx_results
    arrivals = _Arrivals(set(known), here)
    slots = 1 if here else max(settings.workers, 1)
    reading: list[PrefectFuture[JudgedBatch]] = []
    batches = fetch_batches(urls, settings)
    for n, batch in enumerate(batches, start=1):
        settled = arrivals.sort(fetch(batch, settings, cache, *fetching))
        if settled:
            record(JudgedBatch(tuple(settled)))
        if n == len(batches):
            break  # all are in: the rest go out in planned rounds
        if not here or expectations.is_warm():  # else judging here would hold up the downloads
            reading = _record_finished(reading, record)
        idle = slots - len(reading)
        if arrivals.waiting and idle > 0:
            for files in even_tasks(arrivals.take(), idle):
                reading.append(runner.submit(read, {"files": files, "judge": not here}))
    tasks = task_chunks(arrivals.take(), settings)
    reading += [runner.submit(read, {"files": c, "judge": not here}) for c in tasks]
    for future in as_completed(reading):
        record(future.result())
    return outcomes, gx_results


class _Arrivals:
    """Downloaded files sorted out as they come: new ones wait to be read; a file recorded
    before (or met twice in this run) or a failed download is settled at once."""

    def __init__(self, known: set[str], judged_here: bool) -> None:
        self.seen = known
        self.judged_here = judged_here
        self.waiting: list[FetchedFile] = []

    def sort(self, sources: list[FetchedFile | FetchFailure]) -> list[FileResult]:
        settled = []
        for source in sources:
            if source.report_id in self.seen:
                settled.append(FileResult(source.url, source, known=True))
            elif isinstance(source, FetchFailure):
                settled.append(FileResult(source.url, source, reason=source.reason))
            else:
                self.waiting.append(source)
            self.seen.add(source.report_id)
        if self.waiting and self.judged_here:
            expectations.warm_up()  # if the crawl saw nothing new (changed ETags): build it now
        return settled

    def take(self) -> list[FetchedFile]:
        """Every file waiting to be read, handed over."""
        taken, self.waiting = self.waiting, []
        return taken


def _record_finished(
    reading: list[PrefectFuture[JudgedBatch]],
    record: Callable[[JudgedBatch], None],
) -> list[PrefectFuture[JudgedBatch]]:
    """Load what the workers have finished; the futures still running."""
    running = []
    for future in reading:
        if _done(future):
            record(future.result())
        else:
            running.append(future)
    return running


def _done(future: PrefectFuture[Any]) -> bool:
    """Finished, asking the runner's own future (a thread, process or Dask one), where
    `future.state` would ask the Prefect API on every look."""
    if isinstance(future, PrefectWrappedFuture):
        return bool(future.wrapped_future.done())
    return future.state.is_final()


def _describe(outcome: ReportOutcome) -> str:
    if outcome.status == "quarantined":
        return f"{outcome.url}: {outcome.reason}"
    if outcome.status == "loaded":
        flags = f" (failed: {', '.join(outcome.failed_checks)})" if outcome.failed_checks else ""
        return f"{outcome.agency} {outcome.year}{flags}"
    return outcome.url
