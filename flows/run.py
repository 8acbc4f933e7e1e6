"""One ingestion's own objects, made when it starts and handed to its tasks."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from nianbao.settings import Settings
from warehouse import Warehouse


@dataclass(frozen=True)
class Run:
    """A run: its id, the portal it reads, its settings, the warehouse (the run's working
    copy) it writes, and its polite HTTP client (paced per host, robots.txt honoured), which
    must not leave `host`."""

    run_id: str
    source: str
    settings: Settings
    store: Warehouse
    client: httpx.Client
    host: str
