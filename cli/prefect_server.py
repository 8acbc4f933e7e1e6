"""A Prefect server owned by one nianbao command, which cannot outlive it.

Prefect's own temporary server is stopped by an `atexit` hook: a `nianbao run` killed with
SIGKILL left it running (a listening port, ~220 MB) for as long as anyone watched. This one is
started with PR_SET_PDEATHSIG, so the kernel stops it when the command dies, however it dies.

A one-shot run's temporary server has a database of its own, gone with it (OneShotDatabase):
Prefect's default one (~/.prefect/prefect.db) grew with every run and the server's start
slowed with it. The history that outlives a run is nianbao's own (its runs, the run report,
Data Docs); Prefect's is kept by a server that stays (`nianbao serve`, or PREFECT_API_URL).
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import closing
from importlib.metadata import version
from pathlib import Path

_PR_SET_PDEATHSIG = 1


def _dies_with(parent: int) -> Callable[[], None]:
    def preexec() -> None:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)

    return preexec


SERVE_PORT = 4200  # where `nianbao serve` starts its server (and UI) by default


def running_server(port: int = SERVE_PORT) -> str | None:
    """The API URL of a Prefect server already answering on 127.0.0.1:`port` (a `nianbao
    serve`), or None: a one-shot run then needs no server of its own."""
    try:  # nothing listening, the usual case, is told at once (an HTTP client takes ~60 ms)
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
    except OSError:
        return None
    import httpx

    url = f"http://127.0.0.1:{port}/api"
    try:
        answer = httpx.get(f"{url}/health", timeout=0.5)
    except httpx.HTTPError:
        return None
    return url if answer.status_code == 200 and answer.text.strip() == "true" else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


_DATABASE_URL = "PREFECT_API_DATABASE_CONNECTION_URL"


def prefect_home() -> Path:
    """Prefect's folder (PREFECT_HOME, else ~/.prefect), told without importing Prefect."""
    return Path(os.environ.get("PREFECT_HOME") or Path.home() / ".prefect").expanduser()


_PREFIX = "nianbao-prefect-"  # then the owning command's pid: nianbao-prefect-<pid>-…


def _remove_orphans() -> None:
    """Remove the databases of commands that died without removing theirs (SIGKILL, a power
    cut: 2–4 MB each), told by their owner's pid no longer running."""
    for folder in Path(tempfile.gettempdir()).glob(f"{_PREFIX}*-*"):
        pid = folder.name.removeprefix(_PREFIX).split("-", 1)[0]
        if pid.isdigit() and not _running(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: running
        return True
    return True


class OneShotDatabase:
    """A temporary server's SQLite database, removed with it: a copy of an empty one already
    migrated to this Prefect's schema (kept in Prefect's folder, one per Prefect version),
    so the server neither migrates a new file (~1 s) nor opens a grown one. The first run of
    a Prefect version migrates its own and keeps an empty copy as that template once its
    server answers (before any flow runs). A database the user names (PREFECT_API_DATABASE_
    CONNECTION_URL) is theirs: used as it is, neither copied nor removed."""

    def __init__(self) -> None:
        _remove_orphans()
        self.folder = Path(tempfile.mkdtemp(prefix=f"{_PREFIX}{os.getpid()}-"))
        self.path = self.folder / "prefect.db"
        self.template = prefect_home() / f"nianbao-empty-{version('prefect')}.db"
        self.from_template = self.disposable and self._copied()  # a named one is theirs

    def _copied(self) -> bool:
        try:
            shutil.copyfile(self.template, self.path)
        except OSError:  # no template yet (or unreadable): this run migrates its own
            return False
        return True

    @property
    def disposable(self) -> bool:
        """Removed with its server (not a database the user named)."""
        return not os.environ.get(_DATABASE_URL)

    def environment(self) -> dict[str, str]:
        """The server's settings for this database (nothing when the user named one)."""
        if not self.disposable:
            return {}
        env = {_DATABASE_URL: f"sqlite+aiosqlite:///{self.path}"}
        if self.from_template:  # migrated, its blocks registered: nothing to do at start
            env["PREFECT_API_DATABASE_MIGRATE_ON_START"] = "false"
            env["PREFECT_API_BLOCKS_REGISTER_ON_START"] = "false"
            env["PREFECT_MEMOIZE_BLOCK_AUTO_REGISTRATION"] = "false"
        return env

    def keep_template(self) -> None:
        """Once the server answers on a database it migrated itself: keep an empty copy (SQLite's
        backup: consistent while the server has it open), written beside and renamed into place
        so a second command never reads half of one."""
        if self.from_template or not self.disposable or not self.path.exists():
            return
        partial = self.template.with_name(f"{self.template.name}.{os.getpid()}.part")
        try:
            self.template.parent.mkdir(parents=True, exist_ok=True)
            with (
                closing(sqlite3.connect(self.path)) as source,
                closing(sqlite3.connect(partial)) as copy,
            ):
                source.backup(copy)
            os.replace(partial, self.template)
        except (OSError, sqlite3.Error):  # a template is a saving, not a need
            partial.unlink(missing_ok=True)

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


class PrefectServer:
    """A Prefect API server on 127.0.0.1:`port` (the UI too when `ui`), a child of this
    process; on `database` when given, else on Prefect's default one."""

    def __init__(
        self, port: int | None = None, ui: bool = False, database: OneShotDatabase | None = None
    ) -> None:
        self.port = port or free_port()
        self.ui = ui
        self.database = database
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/api"

    def start(self) -> None:
        """Start it (it answers some seconds later: `wait_ready`)."""
        env = {
            **os.environ,
            "PREFECT_UI_ENABLED": "1" if self.ui else "0",
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT__SERVER_FINAL": "1",
        }
        if not self.ui:
            env["PREFECT__SERVER_EPHEMERAL"] = "1"
        if self.database is not None:
            env.update(self.database.environment())
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                "prefect.server.api.server:create_app",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--log-level",
                "error",
                "--lifespan",
                "on",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=_dies_with(os.getpid()),  # noqa: PLW1509 (no threads yet at this point)
        )

    def wait_ready(self, timeout: float = 90.0) -> None:
        """Return once the API answers (its database, new, kept as the template of the next
        ones); RuntimeError naming the URL if it does not."""
        import httpx

        assert self.process is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                if httpx.get(f"{self.api_url}/health", timeout=2).status_code == 200:
                    if self.database is not None:
                        self.database.keep_template()
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the Prefect server did not start on {self.url}")

    def stop(self) -> None:
        """Stop it: at once when its database goes with it (nothing it still writes is
        kept), else letting it finish writing (SIGTERM, then SIGKILL after 10 s)."""
        if self.process is None:
            return
        if self.database is not None and self.database.disposable:
            self.process.kill()
        else:
            self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None
