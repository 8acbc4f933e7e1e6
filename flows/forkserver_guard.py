"""Imported first by the workers' forkserver (flows/pool/forkserver.py), before its preload:
the server exits as soon as the command that started it is gone.

A night with nothing to read ends while the preload still imports and builds GX (seconds, at
low priority); finishing it then would only take CPU from whatever runs next. This module is
light (the `flows` package imports nothing), so it runs within a moment of the server's start,
before the preload's imports, while the command is surely still there. Forked workers do not
inherit its thread."""

import os
import threading
import time


def _leave_with(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.2)
    os._exit(0)


threading.Thread(
    target=_leave_with, args=(os.getppid(),), name="leave-with-command", daemon=True
).start()
