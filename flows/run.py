"""One ingestion's own objects, made when it starts and handed to its tasks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx

from nianbao.progress import NO_PROGRESS, Progress
from nianbao.settings import Settings
from nianbao.sources import Portal
from warehouse import Warehouse


@dataclass(frozen=True)
class Run:
    """A run: its id, the portals it reads (all of a night's at once), its settings, the
    warehouse (the run's working copy) it writes, and its polite HTTP client (paced per host,
    robots.txt honoured). `progress` is told how far the run has got."""

    run_id: str
    portals: tuple[Portal, ...]
    settings: Settings
    store: Warehouse
    client: httpx.Client
    progress: Progress = NO_PROGRESS
    night: int = field(default_factory=lambda: night_number())  # one for the whole run

    @property
    def source(self) -> str:
        return source_label(self.portals)


def night_number() -> int:
    """Tonight, as a day number (UTC): what the warm nights' rotations count by."""
    return datetime.now(UTC).date().toordinal()


def source_label(portals: tuple[Portal, ...]) -> str:
    """What `runs.source` says: the listing, or how many portals a night read."""
    return portals[0].listing if len(portals) == 1 else f"{len(portals)} portals"
