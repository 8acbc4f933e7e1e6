"""Where extraction runs: Prefect task runners, their worker processes, and the tasks' sizes.

The flow (flows/ingest.py) asks for a runner by the number of new files; with enough of
them it gets Prefect's process pool, its workers forked from one preloaded server.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from itertools import groupby
from typing import Any, TypeVar

from prefect import get_client
from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner, ThreadPoolTaskRunner

from flows.pool import forkserver
from nianbao.records import FetchedFile
from nianbao.settings import Settings

T = TypeVar("T")


def task_runner(settings: Settings, files: int) -> TaskRunner[Any]:
    """Processes (or a Dask cluster) when there is enough to read; else the flow's own threads."""
    if settings.dask_address:
        from prefect_dask import DaskTaskRunner

        return DaskTaskRunner(address=settings.dask_address)
    if settings.workers > 1 and files >= settings.parallel_from:
        return ForkserverTaskRunner(max_workers=settings.workers)
    return ThreadPoolTaskRunner(max_workers=1)


class _Forkserver:
    """Stands in for the `multiprocessing` module inside prefect.task_runners while a pool
    is made: every context it hands out is the preloaded forkserver (flows/pool/forkserver.py)."""

    @staticmethod
    def get_context(method: str | None = None) -> Any:
        return forkserver.context()


class ForkserverTaskRunner(ProcessPoolTaskRunner):
    """Prefect's process pool with its workers forked from one server process that has
    imported Prefect, camelot and pandas once, where each spawned worker would import them
    itself (seconds of CPU each). Should Prefect stop asking `multiprocessing` for its
    context in `__enter__`, this falls back to Prefect's spawned workers, unchanged.
    """

    def __enter__(self) -> ForkserverTaskRunner:
        import prefect.task_runners as runners

        real = runners.multiprocessing
        runners.multiprocessing = _Forkserver  # type: ignore[assignment]
        try:
            super().__enter__()
        finally:
            runners.multiprocessing = real
        self._hand_over_in_order()
        self._fork_workers_now()
        return self

    def _fork_workers_now(self) -> None:
        """Fork every worker on entering, while the files download: the pool would fork
        each at its first task, which then started late (twice as late as once forked)."""
        executor = getattr(self, "_executor", None)
        if executor is not None:
            for _ in range(self._max_workers):
                executor.submit(os.getpid)

    def _hand_over_in_order(self) -> None:
        """Hand tasks to the pool in the order they were submitted: Prefect passes them
        through a thread per worker, which let a last-round task overtake a bigger one of
        the round before (seen on 340 files) and left a worker idle at the end."""
        resolver = getattr(self, "_resolver_executor", None)
        if isinstance(resolver, ThreadPoolExecutor):
            resolver.shutdown()
            self._resolver_executor = ThreadPoolExecutor(max_workers=1)


@contextmanager
def workers_share_api(runner: TaskRunner[Any]) -> Iterator[None]:
    """Point worker processes (and the forkserver they fork from) at this run's Prefect API
    while they are started: they keep the environment they started with.

    Without PREFECT_API_URL a worker starts a temporary Prefect server of its own (seconds
    each) and its task runs land in another database.
    """
    if isinstance(runner, ThreadPoolTaskRunner) or os.environ.get("PREFECT_API_URL"):
        yield
        return
    with get_client(sync_client=True) as client:
        os.environ["PREFECT_API_URL"] = str(client.api_url)
    try:
        yield
    finally:
        del os.environ["PREFECT_API_URL"]


def start_forkserver(runner: ForkserverTaskRunner) -> None:
    """Start the runner's workers' forkserver now (a no-op if `nianbao run` already did)."""
    with workers_share_api(runner):
        forkserver.start()


def task_rounds(files: int, workers: int, smallest: int, rounds: int = 3) -> list[list[int]]:
    """Files per extraction task, round by round: one task per worker in each of `rounds`
    rounds, each round half the size of the one before (4/7, 2/7, 1/7 of the files).

    Every task run costs Prefect's context and API calls on a worker's CPU, so there are
    few tasks; the small last round keeps the workers finishing
    together rather than one idling while the other reads a big last task.
    """
    workers = max(workers, 1)
    plan: list[list[int]] = []
    remaining = files
    for r in range(rounds):
        share = 2 ** (rounds - 1 - r) / (2 ** (rounds - r) - 1)  # of what remains
        take = remaining if r == rounds - 1 else min(remaining, math.ceil(remaining * share))
        per = max(smallest, math.ceil(take / workers))
        sizes = [min(per, take - start) for start in range(0, take, per)]
        if sizes:
            plan.append(sizes)
        remaining -= take
    return plan


def task_chunks(files: list[FetchedFile], settings: Settings) -> Iterator[list[FetchedFile]]:
    """The files in tasks of `task_rounds`, biggest files in the first round, and within a
    round dealt so that its tasks carry about the same bytes: bytes (pages) cost the time,
    and contiguous slices of a sorted list gave the first task a third more reading than the
    second."""
    ordered = sorted(files, key=lambda f: f.size, reverse=True)
    start = 0
    for sizes in task_rounds(len(files), settings.workers, settings.files_per_task):
        taken = sum(sizes)
        yield from _even_bytes(ordered[start : start + taken], sizes)
        start += taken


def _even_bytes(files: list[FetchedFile], sizes: list[int]) -> list[list[FetchedFile]]:
    """`files` (biggest first) into tasks of `sizes` files, each file to the task with the
    fewest bytes so far that still has room."""
    tasks: list[list[FetchedFile]] = [[] for _ in sizes]
    loads = [0] * len(sizes)
    for f in files:
        open_tasks = [n for n in range(len(sizes)) if len(tasks[n]) < sizes[n]]
        n = min(open_tasks, key=lambda k: loads[k])
        tasks[n].append(f)
        loads[n] += f.size
    return tasks


def even_tasks(files: list[FetchedFile], tasks: int) -> list[list[FetchedFile]]:
    """`files` in `tasks` tasks (fewer if there are fewer files) of about the same bytes."""
    tasks = max(1, min(tasks, len(files)))
    base, extra = divmod(len(files), tasks)
    sizes = [base + (1 if n < extra else 0) for n in range(tasks)]
    ordered = sorted(files, key=lambda f: f.size, reverse=True)
    return [t for t in _even_bytes(ordered, sizes) if t]


def even_shares(items: Sequence[T], shares: int, key: Callable[[T], object]) -> list[list[T]]:
    """`items` in at most `shares` shares of about as many items each, those of one `key`
    (e.g. a report's rows) in one share; a share is never empty."""
    groups = [list(g) for _, g in groupby(sorted(items, key=lambda i: str(key(i))), key=key)]
    size = math.ceil(len(items) / max(shares, 1))
    out: list[list[T]] = []
    for group in groups:
        if not out or (len(out[-1]) >= size and len(out) < shares):
            out.append([])
        out[-1].extend(group)
    return out
