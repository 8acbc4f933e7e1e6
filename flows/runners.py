"""Where extraction runs: Prefect task runners, their worker processes, and the tasks' sizes.

The flow (flows/ingest.py) asks for a runner by the number of new files; with enough of
them it gets Prefect's process pool, its workers forked from one preloaded server.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from prefect import get_client
from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner, ThreadPoolTaskRunner

from nianbao.records import FetchedFile
from nianbao.settings import Settings


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
    is made: every context it hands out is the forkserver, preloaded with the extraction."""

    @staticmethod
    def get_context(method: str | None = None) -> Any:
        import multiprocessing

        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["flows.ingest", "extract.report"])
        return context

    @classmethod
    def start(cls) -> None:
        """Start the server now (it imports in the background) rather than at the first task."""
        from multiprocessing import forkserver

        cls.get_context()
        forkserver.ensure_running()


class ForkserverTaskRunner(ProcessPoolTaskRunner):
    """Prefect's process pool with its workers forked from one server process that has
    imported Prefect, camelot and pandas once, where each spawned worker would import them
    itself (~2 s of CPU each, measured). Should Prefect stop asking `multiprocessing` for its
    context in `__enter__`, this falls back to Prefect's spawned workers, unchanged.
    """

    def __enter__(self) -> ForkserverTaskRunner:
        import prefect.task_runners as runners

        real = runners.multiprocessing
        runners.multiprocessing = _Forkserver  # type: ignore[assignment]
        try:
            return super().__enter__()
        finally:
            runners.multiprocessing = real


@contextmanager
def workers_share_api(runner: TaskRunner[Any]) -> Iterator[None]:
    """Point worker processes (and the forkserver they fork from) at this run's Prefect API
    while they are started: they keep the environment they started with.

    Without PREFECT_API_URL a worker starts a temporary Prefect server of its own (~6 s
    each, measured) and its task runs land in another database.
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


def start_forkserver(settings: Settings, likely_new: int) -> None:
    """Start the workers' forkserver now if a run of `likely_new` files would use it."""
    runner = task_runner(settings, likely_new)
    if isinstance(runner, ForkserverTaskRunner):
        with workers_share_api(runner):
            _Forkserver.start()


def chunk_sizes(files: int, workers: int, smallest: int, rounds: int = 3) -> list[int]:
    """Files per extraction task, largest first: one task per worker in each of `rounds`
    rounds, each round half the size of the one before (4/7, 2/7, 1/7 of the files).

    Every task run costs Prefect's context and API calls (~0.15 s of a worker's CPU,
    measured), so there are few tasks; the small last round keeps the workers finishing
    together rather than one idling while the other reads a big last task.
    """
    workers = max(workers, 1)
    sizes: list[int] = []
    remaining = files
    for r in range(rounds):
        share = 2 ** (rounds - 1 - r) / (2 ** (rounds - r) - 1)  # of what remains
        take = remaining if r == rounds - 1 else min(remaining, math.ceil(remaining * share))
        per = max(smallest, math.ceil(take / workers))
        while take > 0:
            size = min(per, take)
            sizes.append(size)
            take -= size
            remaining -= size
    return sizes


def task_chunks(files: list[FetchedFile], settings: Settings) -> Iterator[list[FetchedFile]]:
    """The files in tasks of `chunk_sizes`, biggest files first (pages cost the time)."""
    ordered = sorted(files, key=lambda f: f.size, reverse=True)
    start = 0
    for size in chunk_sizes(len(files), settings.workers, settings.files_per_task):
        yield ordered[start : start + size]
        start += size
