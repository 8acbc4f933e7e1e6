"""The run's live display: every stage told its total and each step, through a real run;
shown by rich as bars with counts."""

from __future__ import annotations

import io
import threading
from pathlib import Path

from rich.console import Console

from cli.progress import LiveProgress
from flows.ingest import ingest
from nianbao.settings import load_settings
from tests.faults import server as srv
from tests.faults.portal import Item, publish, sample_reports


class Recorder:
    """A Progress that keeps what it was told."""

    def __init__(self) -> None:
        self.totals: dict[str, int] = {}
        self.done: dict[str, int] = {}
        self._lock = threading.Lock()

    def start(self, stage: str, total: int) -> None:
        self.totals[stage] = total

    def grow(self, stage: str, more: int) -> None:
        with self._lock:
            self.totals[stage] += more

    def advance(self, stage: str, done: int = 1) -> None:
        with self._lock:
            self.done[stage] = self.done.get(stage, 0) + done


def test_a_run_tells_each_stage_its_total_and_every_step(
    prefect_harness: None, tmp_path: Path
) -> None:
    reports = sample_reports()
    names = sorted(reports)[:3]
    settings = load_settings(db_path=tmp_path / "w.duckdb", workers=1, rate_per_second=0)
    recorder = Recorder()
    with srv.fault_server() as portal:
        items = [Item(name, srv.file(reports[name])) for name in names]
        items.append(Item("gone", srv.status(404)))
        listing = publish(portal, items)
        summary = ingest(listing, settings, progress=recorder)
    assert len(summary.outcomes) == 4
    assert recorder.totals == {"crawl": 1, "pages": 0, "download": 4, "read": 4}
    assert recorder.done == {"crawl": 1, "pages": summary.pages_visited, "download": 4, "read": 4}
    assert summary.pages_visited >= 5  # the listing and the four detail pages


def test_the_display_shows_each_stage_with_its_count() -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=100)
    with LiveProgress(console) as live:
        live.start("download", 3)
        for _ in range(3):
            live.advance("download")
        live.start("read", 2)
        live.grow("read", 1)  # the crawl found one more
        live.advance("read")
        live.advance("unknown stage")  # told of a stage it was not started for: nothing
        live.start("pages", 0)  # how many is not known: a count alone
        live.advance("pages", 5)
        assert live.shown() == {"download": (3, 3), "read": (1, 3), "pages": (5, None)}
        live._bars.refresh()
    text = out.getvalue()
    assert "download (files)" in text and "3/3" in text and "1/3" in text
