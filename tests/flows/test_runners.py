"""Where extraction runs: the forkserver pool, and how new files are cut into tasks."""

from __future__ import annotations

import os

import pytest
from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from flows.runners import ForkserverTaskRunner, chunk_sizes


@pytest.mark.parametrize(("files", "workers"), [(102, 2), (38, 2), (38, 4), (7, 1), (5, 2), (1, 2)])
def test_every_file_in_one_task_and_tasks_shrink(files: int, workers: int) -> None:
    sizes = chunk_sizes(files, workers, smallest=3)
    assert sum(sizes) == files
    assert len(sizes) <= 3 * workers  # three rounds, one task per worker in each
    rounds = [sizes[i : i + workers] for i in range(0, len(sizes), workers)]
    assert all(
        max(later) <= min(earlier) + 1 for earlier, later in zip(rounds, rounds[1:], strict=False)
    )


def test_rounds_halve_so_the_last_tasks_are_small() -> None:
    assert chunk_sizes(102, 2, smallest=3) == [30, 29, 15, 14, 7, 7]
    assert chunk_sizes(0, 2, smallest=3) == []


@task(cache_policy=NO_CACHE)
def _where_am_i() -> tuple[int, bool]:
    import sys

    return os.getpid(), "camelot" in sys.modules  # preloaded by the forkserver


def test_extraction_workers_are_forked_from_a_preloaded_server(prefect_harness: None) -> None:
    @flow
    def probe() -> tuple[str, tuple[int, bool]]:
        with ForkserverTaskRunner(max_workers=1) as runner:
            method = runner._executor._mp_context.get_start_method()  # type: ignore[union-attr]
            return method, runner.submit(_where_am_i, {}).result()

    method, (pid, preloaded) = probe()
    assert method == "forkserver"  # not Prefect's spawn: the patch took effect
    assert pid != os.getpid() and preloaded
