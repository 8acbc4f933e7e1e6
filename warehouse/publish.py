"""One writer at a time, and readers who never see a half-loaded night.

DuckDB lets no process open a file that another process is writing, and a writer cannot open
a file any reader holds (seen with DuckDB 2.0). So a run takes a lock, loads into a working
copy of the warehouse, and publishes it by an atomic rename when the run ends: an analyst's
open connection keeps reading the previous night (its file is unlinked, not changed), a new
connection sees the new one, and a failed run publishes nothing.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from nianbao.errors import NianbaoError
from warehouse.load import forget_migrations


class RunInProgress(NianbaoError):
    """Another run holds the warehouse."""


def _sidecar(db_path: Path, suffix: str) -> Path:
    return db_path.with_name(db_path.name + suffix)


@contextmanager
def _exclusive(lock_path: Path, wait_seconds: float) -> Iterator[None]:
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("a+") as fh:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    fh.seek(0)
                    holder = fh.read().strip() or "unknown"
                    raise RunInProgress(
                        f"another nianbao run is writing {lock_path.name[:-5]} ({holder}); "
                        f"waited {wait_seconds:.0f} s. Try again when it has finished."
                    ) from None
                time.sleep(0.2)
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()}, since {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC")
        fh.flush()
        try:
            yield
        finally:
            fh.seek(0)
            fh.truncate()
            fcntl.flock(fh, fcntl.LOCK_UN)


@contextmanager
def working_copy(db_path: str | Path, wait_seconds: float = 600.0) -> Iterator[Path]:
    """A private copy of the warehouse to load into, published over it if the block succeeds."""
    db_path = Path(db_path)
    work = _sidecar(db_path, ".next")
    with _exclusive(_sidecar(db_path, ".lock"), wait_seconds):
        for stale in (work, _sidecar(work, ".wal")):
            stale.unlink(missing_ok=True)
        forget_migrations(work)
        if db_path.exists():
            shutil.copyfile(db_path, work)
            wal = _sidecar(db_path, ".wal")
            if wal.exists():  # left by a writer that died: replayed when the copy is opened
                shutil.copyfile(wal, _sidecar(work, ".wal"))
        try:
            yield work
        except BaseException:
            work.unlink(missing_ok=True)
            _sidecar(work, ".wal").unlink(missing_ok=True)
            raise
        if work.exists():  # nothing written, nothing to publish
            os.replace(work, db_path)
            _sidecar(db_path, ".wal").unlink(missing_ok=True)
