"""The live display of a run on a terminal: a bar per stage (crawl, download, read) with its
count and an estimate of the time left, gone when the run ends (the summary follows)."""

from __future__ import annotations

from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from nianbao.progress import NoProgress

NAMES = {
    "crawl": "crawl (portals)",
    "pages": "  pages asked",
    "download": "download (files)",
    "read": "read and load",
}


class LiveProgress:
    """nianbao.progress.Progress shown with rich, for the length of a `with` block. Safe
    from several threads (the crawl's and downloads' threads tell it at once)."""

    def __init__(self, console: Console) -> None:
        self._bars = Progress(
            TextColumn("{task.description:<18}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("left"),
            TimeRemainingColumn(),
            console=console,
            transient=True,
        )
        self._stages: dict[str, TaskID] = {}

    def __reduce__(self) -> tuple[type[NoProgress], tuple[()]]:
        # Prefect pickles a flow run's parameters into every task sent to a worker process;
        # the display lives in this process only, so a worker's copy shows nothing.
        return NoProgress, ()

    def __enter__(self) -> LiveProgress:
        self._bars.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, err: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._bars.stop()

    def start(self, stage: str, total: int) -> None:
        """A stage begins with `total` to do; 0: how many is not known (a count alone)."""
        if stage in self._stages:
            self._bars.reset(self._stages[stage], total=total or None)
        else:
            name = NAMES.get(stage, stage)
            self._stages[stage] = self._bars.add_task(name, total=total or None)

    def grow(self, stage: str, more: int) -> None:
        if stage in self._stages:
            task = self._stages[stage]
            self._bars.update(task, total=(self._bars.tasks[task].total or 0) + more)

    def advance(self, stage: str, done: int = 1) -> None:
        if stage in self._stages:
            self._bars.advance(self._stages[stage], done)

    def shown(self) -> dict[str, tuple[float, float | None]]:
        """Each stage's (done, total), as the bars show them."""
        return {
            stage: (self._bars.tasks[i].completed, self._bars.tasks[i].total)
            for stage, i in self._stages.items()
        }
