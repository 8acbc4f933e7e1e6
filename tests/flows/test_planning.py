"""What a run plans before reading: which links may be new, and how files are cut into tasks."""

from __future__ import annotations

import pytest

from flows.ingest import _likely_new, chunk_sizes
from nianbao.records import CachedFetch, FetchFailure


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


def test_only_unfetched_links_not_known_dead_may_be_new() -> None:
    urls = ["http://p/a.pdf", "http://p/b.pdf", "http://p/dead.pdf", "http://p/c.pdf"]
    cache = {"http://p/a.pdf": CachedFetch("x" * 64, '"etag"', "")}
    known = frozenset({FetchFailure.id_for("http://p/dead.pdf")})
    assert _likely_new(urls, cache, known) == 2  # b and c: a night with these warms up GX
