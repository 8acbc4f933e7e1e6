"""Reading and loading the downloaded files: where they are read (the flow's own thread or
worker processes), in which tasks, and when each batch's results are loaded.

Files are downloaded as the crawl finds their links, each host in a thread of its own; as they
come, a worker with nothing to do gets the new ones; once all are in, the rest go out in
planned rounds (flows/pool/runners.py). The flow's process only downloads, loads and keeps
count: with 2 workers on 2 cores, any CPU it spends is taken from the workers (bench/README.md,
"Why the run is built as it is").
"""

from __future__ import annotations

import contextlib
import logging
import queue
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import replace
from typing import Any, cast

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture, PrefectWrappedFuture, as_completed
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

from extract import extract_fetched
from flows.download import download
from flows.links import LinkFeed
from flows.pool import process
from flows.pool.runners import (
    ForkserverTaskRunner,
    even_tasks,
    start_forkserver,
    task_chunks,
    task_runner,
    workers_share_api,
)
from flows.run import Run
from nianbao.progress import Progress
from nianbao.records import (
    CachedFetch,
    FetchedFile,
    FetchFailure,
    FileResult,
    GxResult,
    ReportOutcome,
    ValidatedBatch,
)
from nianbao.settings import Settings


class ReadPool:
    """Where the run's files are read and validated, chosen by how many may be new: the flow's
    own thread for a few, worker processes forked from a preloaded server for more
    (flows/pool/runners.py), told as soon as the crawl has found enough new links for
    workers, or has ended; started early (while files download) and stopped with the block.
    The files are those of the crawl's links, taken from `feed` as they are found."""

    def __init__(
        self,
        run: Run,
        feed: LinkFeed,
        known: frozenset[str],
        cache: dict[str, CachedFetch],
    ) -> None:
        self._plan = (run, feed, known, cache)
        self._expected = _expected_new(feed, run.settings, cache, known)
        self.runner = task_runner(run.settings, self._expected)
        self._stack = ExitStack()

    def __enter__(self) -> ReadPool:
        _start_early(self.runner, self._expected)
        self._stack.enter_context(workers_share_api(self.runner))
        self._stack.enter_context(self.runner)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def run(self, work: Any, parameters: dict[str, Any]) -> Any:
        """One task run where files are read (a worker, when there are workers); its result."""
        return self.runner.submit(work, parameters).result()

    def run_side_by_side(self, work: Any, shares: list[dict[str, Any]]) -> list[Any]:
        """A task run for each share of some work (parameters), side by side where files are
        read; their results, in the shares' order."""
        futures = [self.runner.submit(work, parameters) for parameters in shares]
        return [future.result() for future in futures]

    @property
    def width(self) -> int:
        """How many task runs go side by side: the workers, or one in the flow's own thread."""
        run = self._plan[0]
        return 1 if _validates_here(self.runner) else max(run.settings.workers, 1)

    def read_and_load(
        self, load: Callable[[list[FileResult]], list[ReportOutcome]]
    ) -> tuple[dict[str, ReportOutcome], list[GxResult]]:
        """Every URL downloaded, read, validated and handed to `load` batch by batch: each URL's
        outcome, and GX's results of validating (for Data Docs)."""
        run, feed, known, cache = self._plan
        return _read_and_load(self.runner, feed, run, known, cache, load)


@task(name="extract", cache_policy=NO_CACHE)
def extract(files: list[FetchedFile], validate: bool) -> ValidatedBatch:
    """Read the tables of a few new files, and in a worker process validate them (GX)
    together too, GX's results going back with them for Data Docs. In the flow's process
    (a small run, one worker) the flow validates as it loads, alongside the next reading."""
    # process.VALIDATOR, not a name imported from it: the task is pickled by value for the
    # workers, with every global it names, and the module is pickled by name.
    results = [extract_fetched(f) for f in files]
    if not validate:
        return ValidatedBatch(tuple(results))
    return ValidatedBatch(tuple(_validated(results)), process.VALIDATOR.take_results())


def _validated(results: list[FileResult]) -> list[FileResult]:
    """The results with their checks: the batch's new reports validated together."""
    readable = [(n, r.report) for n, r in enumerate(results) if r.report is not None]
    checks = process.VALIDATOR.validate_reports([(rep, _label(results[n])) for n, rep in readable])
    validated = list(results)
    for (n, _), found in zip(readable, checks, strict=True):
        validated[n] = replace(results[n], checks=found)
    return validated


def _label(result: FileResult) -> str:
    report = result.report
    assert report is not None
    return f"{report.agency} {report.year} ({result.report_id})"


# How long the choice of where files are read waits to know whether a night is small (its
# crawl ended with fewer than `parallel_from` new links): a night of many hosts finds that many
# in a second; a slow column is not waited for.
PATIENCE_SECONDS = 2.0


def _expected_new(
    feed: LinkFeed, settings: Settings, cache: dict[str, CachedFetch], known: frozenset[str]
) -> int:
    """How many files the night may read, as far as the runner's choice needs: the links
    likely new once `parallel_from` are found or the crawl has ended; a night whose crawl
    goes on past PATIENCE_SECONDS (a slow column) is not known to be small, and is taken for
    one that is not (its first files are read meanwhile, not after the slow crawl)."""
    found, ended = feed.count_until(
        lambda url: _likely_new(url, cache, known), settings.parallel_from, PATIENCE_SECONDS
    )
    return found if ended else max(found, settings.parallel_from)


def _likely_new(url: str, cache: dict[str, CachedFetch], known: frozenset[str]) -> bool:
    """A link that may bring a file to read: never fetched, and not a link recorded as dead."""
    return url not in cache and FetchFailure.id_for(url) not in known


def _start_early(runner: TaskRunner[Any], likely_new: int) -> None:
    """When the crawl lists files never fetched before, start what reading and validating them
    needs while they download (at 2 requests a second, long before they are needed): the
    workers' forkserver (it builds GX), or when they are read in this process, the GX import
    (seconds) in a thread. A night with nothing new starts neither."""
    if likely_new == 0:
        return
    if _validates_here(runner):
        process.VALIDATOR.warm_up()
    elif isinstance(runner, ForkserverTaskRunner):
        start_forkserver(runner)


def _validates_here(runner: TaskRunner[Any]) -> bool:
    """Files are read in this process (a thread), so validated here too: while the next ones
    are read, as before the workers, rather than after them in the same thread."""
    return isinstance(runner, ThreadPoolTaskRunner)


def _read_and_load(
    runner: TaskRunner[Any],
    feed: LinkFeed,
    run: Run,
    known: frozenset[str],
    cache: dict[str, CachedFetch],
    load: Callable[[list[FileResult]], list[ReportOutcome]],
) -> tuple[dict[str, ReportOutcome], list[GxResult]]:
    """Download as the crawl finds the links (flows/download.py) and read while downloading:
    as files come, a worker with nothing to do gets the new ones; once all are in, the rest
    go out in rounds. The outcome of every URL, and GX's results of validating the files
    read."""
    logger = get_run_logger()
    settings = run.settings
    outcomes: dict[str, ReportOutcome] = {}
    gx_results: list[GxResult] = []
    here = _validates_here(runner)  # else the workers validate what they read

    def record(batch: ValidatedBatch) -> None:
        validated = _validated(list(batch.results)) if here else batch.results
        # quote: Prefect would walk every cell of every report to track task inputs (seconds of
        # the flow's CPU on a hundred reports); a batch's inputs need no tracking.
        results = cast(list[FileResult], quote(list(validated)))
        for outcome in load(results):
            outcomes[outcome.url] = outcome
            # a report unchanged since last night is a count in the summary, not a line
            logger.log(
                logging.DEBUG if outcome.status == "unchanged" else logging.INFO,
                "[%d/%d] %s %s",
                len(outcomes),
                len(feed),
                outcome.status,
                _describe(outcome),
            )
            run.progress.advance("read")
        # validated here, GX's results are this process's to hand over, as a worker's are
        gx_results.extend(process.VALIDATOR.take_results() if here else batch.gx_results)

    arrivals = _Arrivals(set(known), here)
    slots = 1 if here else max(settings.workers, 1)
    reading: list[PrefectFuture[ValidatedBatch]] = []
    inbox: queue.SimpleQueue[FetchedFile | FetchFailure | None] = queue.SimpleQueue()
    downloading = download.submit(run, feed, cache, inbox.put)
    downloading.add_done_callback(lambda _: inbox.put(None))  # all in, however it ended
    # Paced, files are read as they come; unpaced (a local mirror), all at once once in, in
    # planned rounds: reading alongside was slower there.
    alongside = settings.rate_per_second > 0
    counted, done = 0, False
    while not done:
        came, done = _came(inbox)
        counted = _count_in(run.progress, len(feed), counted)
        settled = arrivals.sort(came)
        if settled:
            record(ValidatedBatch(tuple(settled)))
        if not alongside:
            continue
        if not here or process.VALIDATOR.is_warm():  # else validating would hold the loop
            reading = _record_finished(reading, record)
        for files in _for_idle_workers(arrivals, slots - len(reading), settings):
            reading.append(runner.submit(extract, {"files": files, "validate": not here}))
    downloading.result()  # what broke the downloads (a full disk) is the run's failure
    _count_in(run.progress, len(feed), counted)
    tasks = task_chunks(arrivals.take(), settings)
    reading += [runner.submit(extract, {"files": c, "validate": not here}) for c in tasks]
    for future in as_completed(reading):
        record(future.result())
    return outcomes, gx_results


def _count_in(progress: Progress, found: int, counted: int) -> int:
    """The download and read totals grown to the links `found` (`counted` so far), which
    grow as the crawl finds them; how many are counted now."""
    for stage in ("download", "read"):
        if counted == 0 and found:
            progress.start(stage, found)
        elif found > counted:
            progress.grow(stage, found - counted)
    return found


# How long the loop waits for a download before it looks at the reading again
LOOK_SECONDS = 0.2


def _came(
    inbox: queue.SimpleQueue[FetchedFile | FetchFailure | None],
) -> tuple[list[FetchedFile | FetchFailure], bool]:
    """What has been downloaded since the last look (waiting a little for the first), and
    whether every download is in (the inbox's None)."""
    came: list[FetchedFile | FetchFailure | None] = []
    with contextlib.suppress(queue.Empty):
        came.append(inbox.get(timeout=LOOK_SECONDS))
        while True:
            came.append(inbox.get_nowait())
    return [c for c in came if c is not None], None in came


class _Arrivals:
    """Downloaded files sorted out as they come: new ones wait to be read; a file recorded
    before (or met twice in this run) or a failed download is settled at once."""

    def __init__(self, known: set[str], validated_here: bool) -> None:
        self.seen = known
        self.validated_here = validated_here
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
        if self.waiting and self.validated_here:
            process.VALIDATOR.warm_up()  # if the crawl saw nothing new (changed ETags): build it now
        return settled

    def take(self, most: int | None = None) -> list[FetchedFile]:
        """The files waiting to be read (the first `most` of them), handed over."""
        taken = self.waiting[:most]
        self.waiting = self.waiting[len(taken) :]
        return taken


def _for_idle_workers(
    arrivals: _Arrivals, idle: int, settings: Settings
) -> list[list[FetchedFile]]:
    """Tasks for the workers found idle as downloads come: each a share of the files waiting
    (2 tasks' worth). Given every file waiting, one worker took 900 of a night of 1,000 (100
    hosts at once download faster than two workers read) and read them alone while the other
    idled (bench/README.md, stop 27); the rest wait for the next idle worker or, once all are
    in, the planned rounds."""
    if idle <= 0 or not arrivals.waiting:
        return []
    return even_tasks(arrivals.take(idle * 2 * settings.files_per_task), idle)


def _record_finished(
    reading: list[PrefectFuture[ValidatedBatch]],
    record: Callable[[ValidatedBatch], None],
) -> list[PrefectFuture[ValidatedBatch]]:
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
