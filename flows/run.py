"""One ingestion's own objects, made when it starts and handed to its tasks."""

from __future__ import annotations

from dataclasses import dataclass

from nianbao.settings import Settings
from warehouse import Warehouse


@dataclass(frozen=True)
class Run:
    """A run: its id, the portal it reads, its settings, and the warehouse (the run's working
    copy) it writes."""

    run_id: str
    source: str
    settings: Settings
    store: Warehouse
