"""One writer at a time, and readers who never see a half-loaded night.

DuckDB lets no process open a file that another process is writing, and a writer cannot open
a file any reader holds (seen with DuckDB 2.0). So a run takes a lock, loads into a working
copy of the warehouse, and publishes it by an atomic rename when the run ends: an analyst's
open connection keeps reading the previous night (its file is unlinked, not changed), a new
connection sees the new one, and a failed run publishes nothing.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from nianbao.errors import EnvironmentBroken, NianbaoError
from warehouse.connection import OLDEST_READERS_FORMAT, STORAGE_VERSION


class RunInProgress(NianbaoError):
    """Another run holds the warehouse."""


def _sidecar(db_path: Path, suffix: str) -> Path:
    return db_path.with_name(db_path.name + suffix)


@contextmanager
def _exclusive(lock_path: Path, wait_seconds: float) -> Iterator[None]:
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        fh = lock_path.open("a+")
    except OSError as err:
        raise EnvironmentBroken(f"cannot take the lock {lock_path}: {err.strerror or err}") from err
    with fh:
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
        # who holds it, for the message of a run that waits in vain (best effort)
        with contextlib.suppress(OSError):
            fh.seek(0)
            fh.truncate()
            fh.write(f"pid {os.getpid()}, since {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC")
            fh.flush()
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                fh.seek(0)
                fh.truncate()
            fcntl.flock(fh, fcntl.LOCK_UN)


def real_path(db_path: Path) -> Path:
    """The file a (possibly symlinked) warehouse path names: that file is replaced at publish,
    so the link the user made stays a link."""
    return Path(os.path.realpath(db_path)) if db_path.is_symlink() else db_path


def check_location(db_path: Path) -> None:
    """Fail now, with the reason, if the warehouse cannot be written where it is to live
    (folder missing and not creatable, a file in the way, read-only, full): before the night's
    work, not after it."""
    target = real_path(Path(db_path))
    folder = target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise EnvironmentBroken(
            f"warehouse {db_path}: {_first_file_above(folder)} is a file, not a folder"
        ) from None
    except OSError as err:
        raise EnvironmentBroken(
            f"warehouse {db_path}: cannot create folder {folder}: {err.strerror}"
        ) from err
    if target.is_dir():
        raise EnvironmentBroken(f"warehouse {db_path} is a folder, not a file")
    probe = folder / f".nianbao-probe-{os.getpid()}"
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, b"\0" * 4096)
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as err:
        raise EnvironmentBroken(
            f"warehouse {db_path}: cannot write in {folder}: {err.strerror}"
        ) from err
    finally:
        with contextlib.suppress(OSError):
            probe.unlink()


def _first_file_above(folder: Path) -> Path:
    for parent in [folder, *folder.parents]:
        if parent.exists() and not parent.is_dir():
            return parent
    return folder


@contextmanager
def working_copy(
    db_path: str | Path,
    wait_seconds: float = 600.0,
    on_published: Callable[[], None] | None = None,
) -> Iterator[Path]:
    """A private copy of the warehouse to load into, published over it if the block succeeds.

    The copy is fully checkpointed and synced before it replaces the warehouse: a night whose
    commits could not reach the file (disk full at the checkpoint) is a failed run
    (EnvironmentBroken) and replaces nothing. `on_published` runs once the night is in
    place, still holding the lock."""
    db_path = real_path(Path(db_path))
    work = _sidecar(db_path, ".next")
    with _exclusive(_sidecar(db_path, ".lock"), wait_seconds):
        _discard(work)
        _copy(db_path, work)
        _for_older_readers(work)
        try:
            yield work
        except BaseException:
            _discard(work)
            raise
        if work.exists():  # nothing written, nothing to publish
            _publish(work, db_path)
            if on_published is not None:
                on_published()


def _discard(work: Path) -> None:
    for path in (work, _sidecar(work, ".wal")):
        path.unlink(missing_ok=True)


def _copy(db_path: Path, work: Path) -> None:
    """The warehouse (and the WAL a writer that died left beside it: replayed when the copy
    is opened) copied to `work`; nothing is left behind if the copy fails."""
    try:
        if db_path.exists():
            shutil.copyfile(db_path, work)
            wal = _sidecar(db_path, ".wal")
            if wal.exists():
                shutil.copyfile(wal, _sidecar(work, ".wal"))
    except OSError as err:
        _discard(work)
        raise EnvironmentBroken(
            f"cannot copy the warehouse {db_path} to {work.name}: {err.strerror or err}"
        ) from err


def _for_older_readers(work: Path) -> None:
    """A warehouse written in a storage format DuckDB 1.4 cannot read (by nianbao before it
    wrote 1.4's) rewritten once, table by table, in 1.4's (connection.STORAGE_VERSION)."""
    if not work.exists() or storage_format(work) <= OLDEST_READERS_FORMAT:
        return
    rewritten = _sidecar(work, ".v14")
    leftovers = (rewritten, _sidecar(rewritten, ".wal"))
    for path in leftovers:
        path.unlink(missing_ok=True)
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH '{work}' AS old (READ_ONLY)")
        con.execute(f"ATTACH '{rewritten}' AS new (STORAGE_VERSION '{STORAGE_VERSION}')")
        con.execute("COPY FROM DATABASE old TO new")
        con.execute("DETACH new")  # checkpointed whole into its file: no WAL left beside it
    except (duckdb.Error, OSError):
        # no room for a third copy (a full disk): the night goes on in the old format, and
        # a later night rewrites it
        for path in leftovers:
            path.unlink(missing_ok=True)
        return
    finally:
        con.close()
    _sidecar(rewritten, ".wal").unlink(missing_ok=True)
    os.replace(rewritten, work)
    _sidecar(work, ".wal").unlink(missing_ok=True)


def storage_format(path: Path) -> int:
    """The storage version a DuckDB file's header names (67: DuckDB 1.4's; 999: 2.0's)."""
    with path.open("rb") as fh:
        head = fh.read(20)
    return int.from_bytes(head[12:20], "little") if head[8:12] == b"DUCK" else 0


def _publish(work: Path, db_path: Path) -> None:
    try:
        _settle(work)
        os.replace(work, db_path)
        _sync_folder(db_path.parent)
    except (OSError, duckdb.Error, EnvironmentBroken) as err:
        _discard(work)
        cause = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
        raise EnvironmentBroken(
            f"the night could not be published to {db_path}: {cause}; the warehouse is as it was"
        ) from err
    _sidecar(db_path, ".wal").unlink(missing_ok=True)


def _settle(work: Path) -> None:
    """Every commit of the run written into the copy's file itself (a checkpoint), on disk."""
    con = duckdb.connect(str(work))
    try:
        con.execute("CHECKPOINT")
    finally:
        con.close()
    wal = _sidecar(work, ".wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise EnvironmentBroken(f"{wal.name} could not be checkpointed into {work.name}")
    with work.open("rb+") as fh:
        os.fsync(fh.fileno())


def _sync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
