"""The server the extraction workers are forked from, preloaded once (see flows/pool/runners.py).

`nianbao run` starts it before importing Prefect, so that its imports and GX build (at `nice`
10) run on the other core during Prefect's own start-up, instead of between the download of the
first files and their reading (bench/README.md, "Why the run is built as it is").
"""

from __future__ import annotations

import multiprocessing
from multiprocessing.context import BaseContext

PRELOAD = ["flows.forkserver_guard", "flows.pool.worker_preload"]


def context() -> BaseContext:
    """The forkserver context, its server preloaded with what every worker needs."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    return ctx


def start() -> None:
    """Start the server now (it imports in the background); a no-op once it runs."""
    from multiprocessing import forkserver

    context()
    forkserver.ensure_running()
