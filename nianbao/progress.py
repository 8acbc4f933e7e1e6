"""How far a run has got, told to whoever shows it: the CLI's live display (cli/progress.py),
or nobody. Stages: `crawl` (portals), `pages` (pages asked by the crawl, how many is not
known), `download` (files), `read` (files read and loaded)."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

STAGES = ("crawl", "download", "read")


@runtime_checkable  # Prefect checks a flow's parameters against their types
class Progress(Protocol):
    def start(self, stage: str, total: int) -> None:
        """`stage` begins, with `total` things to do (0: not known)."""

    def grow(self, stage: str, more: int) -> None:
        """`more` things of `stage` to do than said so far (the crawl found more links)."""

    def advance(self, stage: str, done: int = 1) -> None:
        """`done` more things of `stage` done."""


class NoProgress:
    """Progress told to nobody (the nightly job, tests, `--quiet`)."""

    def start(self, stage: str, total: int) -> None:
        pass

    def grow(self, stage: str, more: int) -> None:
        pass

    def advance(self, stage: str, done: int = 1) -> None:
        pass


NO_PROGRESS = NoProgress()
