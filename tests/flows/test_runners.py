"""Where extraction runs: the forkserver pool, and how new files are cut into tasks."""

from __future__ import annotations

import os
import random
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import cloudpickle
import pytest
from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from flows.pool.read_pool import _Arrivals, _for_idle_workers
from flows.pool.runners import (
    ForkserverTaskRunner,
    even_shares,
    even_tasks,
    task_chunks,
    task_rounds,
)
from nianbao.records import FetchedFile
from nianbao.settings import Settings


@pytest.mark.parametrize(("files", "workers"), [(102, 2), (38, 2), (38, 4), (7, 1), (5, 2), (1, 2)])
def test_every_file_in_one_task_and_tasks_shrink(files: int, workers: int) -> None:
    rounds = task_rounds(files, workers, smallest=3)
    assert sum(map(sum, rounds)) == files
    assert len(rounds) <= 3 and all(len(r) <= workers for r in rounds)
    assert all(
        max(later) <= min(earlier) + 1 for earlier, later in zip(rounds, rounds[1:], strict=False)
    )


def test_rounds_halve_so_the_last_tasks_are_small() -> None:
    assert task_rounds(102, 2, smallest=3) == [[30, 29], [15, 14], [7, 7]]
    assert task_rounds(0, 2, smallest=3) == []


def test_tasks_of_a_round_carry_about_the_same_bytes() -> None:
    rng = random.Random(7)
    files = [_file(n, rng.randint(50_000, 2_000_000)) for n in range(340)]
    settings = Settings(workers=2, files_per_task=3)
    tasks = list(task_chunks(files, settings))
    assert sorted(f.url for t in tasks for f in t) == sorted(f.url for f in files)
    assert [len(t) for t in tasks] == [98, 97, 49, 48, 24, 24]
    for first, second in zip(tasks[::2], tasks[1::2], strict=True):
        a, b = sum(f.size for f in first), sum(f.size for f in second)
        assert abs(a - b) <= 0.02 * max(a, b)
    assert min(f.size for f in tasks[0] + tasks[1]) >= max(f.size for f in tasks[2] + tasks[3])


def _file(n: int, size: int) -> FetchedFile:
    return FetchedFile(
        f"http://127.0.0.1/{n}.pdf",
        f"{n:064x}",
        f"/tmp/{n}.pdf",
        size,
        datetime.now(UTC),
    )


@task(cache_policy=NO_CACHE)
def _number(n: int, load: list[dict[str, int]]) -> int:
    return n


@task(cache_policy=NO_CACHE)
def _where_am_i() -> tuple[int, bool]:
    import sys

    from flows.pool.process import VALIDATOR

    # preloaded by the forkserver: camelot, and GX built (the workers validate)
    return os.getpid(), "camelot" in sys.modules and VALIDATOR.is_warm()


def test_extraction_workers_are_forked_from_a_preloaded_server(prefect_harness: None) -> None:
    @flow
    def probe() -> tuple[str, int, tuple[int, bool]]:
        with ForkserverTaskRunner(max_workers=2) as runner:
            executor = runner._executor
            assert executor is not None
            method = executor._mp_context.get_start_method()  # type: ignore[attr-defined]
            forked = len(executor._processes)  # type: ignore[attr-defined]
            return method, forked, runner.submit(_where_am_i, {}).result()

    method, forked, (pid, preloaded) = probe()
    assert method == "forkserver"  # not Prefect's spawn: the patch took effect
    assert forked == 2  # on entering, before any task: forked while the files download
    assert pid != os.getpid() and preloaded


def test_tasks_reach_the_pool_in_the_order_submitted(prefect_harness: None) -> None:
    @flow
    def probe() -> list[int]:
        with ForkserverTaskRunner(max_workers=2) as runner:
            executor = runner._executor
            assert executor is not None
            handed: list[int] = []
            submit = executor.submit

            def recording(call: Any, *args: Any, **kwargs: Any) -> Any:
                _, _, kwargs_of_task = cloudpickle.loads(call.args[0])  # Prefect's wrapped call
                handed.append(kwargs_of_task["parameters"]["n"])
                return submit(call, *args, **kwargs)

            executor.submit = recording  # type: ignore[method-assign]
            # bigger inputs first (as the biggest files come first): they take longer to
            # resolve, and must not be overtaken by the small ones after them
            futures = [
                runner.submit(_number, {"n": n, "load": [{"k": k} for k in range(40_000 >> n)]})
                for n in range(12)
            ]
            assert [f.result() for f in futures] == list(range(12))
            return handed

    assert probe() == list(range(12))


def test_idle_workers_share_what_came_by_bytes() -> None:
    files = [_file(n, size) for n, size in enumerate([900, 100, 500, 500, 300, 700])]
    two = even_tasks(files, 2)
    assert sorted(len(t) for t in two) == [3, 3]
    assert sorted(sum(f.size for f in t) for t in two) == [1500, 1500]
    assert [len(t) for t in even_tasks(files[:1], 2)] == [1]
    assert even_tasks([], 2) == []


def test_an_idle_worker_takes_a_batch_share_of_what_waits_not_all() -> None:
    """100 hosts at once download faster than two workers read: a worker idle between two
    download batches is given its share (2 tasks' worth), the rest left for the next idle
    worker or the planned rounds, never all 900 waiting to read alone."""
    arrivals = _Arrivals(set(), validated_here=False)
    arrivals.waiting = [_file(n, 100 + n) for n in range(900)]
    settings = Settings(workers=2, files_per_task=3)
    (task,) = _for_idle_workers(arrivals, 1, settings)
    assert len(task) == 6 and len(arrivals.waiting) == 894
    assert [len(t) for t in _for_idle_workers(arrivals, 2, settings)] == [6, 6]
    assert _for_idle_workers(arrivals, 0, settings) == []
    arrivals.waiting = arrivals.waiting[:4]
    assert [len(t) for t in _for_idle_workers(arrivals, 2, settings)] == [2, 2]
    assert arrivals.waiting == []


def test_work_is_shared_evenly_keeping_a_key_together() -> None:
    """R7's rows in a share per worker, each report's rows in one share; Data Docs' pages
    likewise; never an empty share."""
    rows = [(f"r{n // 3}", n) for n in range(30)]  # ten reports of three rows
    shares = even_shares(rows, 2, key=lambda row: row[0])
    assert [len(s) for s in shares] == [15, 15]
    assert sorted(r for s in shares for r in s) == sorted(rows)
    for report in {r for r, _ in rows}:
        assert sum(any(r == report for r, _ in s) for s in shares) == 1
    assert [len(s) for s in even_shares(rows[:3], 2, key=lambda row: row[0])] == [3]
    assert even_shares([], 2, key=lambda row: row) == []
    assert [len(s) for s in even_shares(list(range(7)), 3, key=lambda n: n)] == [3, 3, 1]


def test_the_tasks_sent_to_workers_pickle() -> None:
    """A task goes to a worker pickled by value, with the globals it names: one naming an
    object with a lock (the process's validator) fails only when workers are used."""
    import cloudpickle

    from flows.ingest import check_continuity, data_docs, data_docs_pages
    from flows.pool.read_pool import extract

    for sent in (extract, check_continuity, data_docs, data_docs_pages):
        assert cloudpickle.loads(cloudpickle.dumps(sent)).name == sent.name


def test_the_forkserver_leaves_with_the_command_that_started_it(tmp_path: Path) -> None:
    """A command that ends while the server still preloads (a quiet night) takes it along."""
    import subprocess
    import sys
    import time

    from tests.conftest import REPO

    said = tmp_path / "pid"
    with said.open("w") as out:  # a file, not a pipe: the server would hold a pipe open
        subprocess.run(
            [
                sys.executable,
                "-c",
                "from multiprocessing import forkserver as f; from flows.pool import forkserver; "
                "forkserver.start(); print(f._forkserver._forkserver_pid, flush=True)",
            ],
            cwd=REPO,
            stdout=out,
            check=True,
            timeout=120,
        )
    server = int(said.read_text().split()[-1])
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline and _alive(server):
        time.sleep(0.1)
    assert not _alive(server)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().split()[2] != "Z"
    except FileNotFoundError:
        return False
