"""A Prefect server owned by one nianbao command, which cannot outlive it.

Prefect's own temporary server is stopped by an `atexit` hook: a `nianbao run` killed with
SIGKILL left it running (a listening port, ~220 MB) for as long as anyone watched. This one is
started with PR_SET_PDEATHSIG, so the kernel stops it when the command dies, however it dies.
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable

import httpx

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


class PrefectServer:
    """A Prefect API server on 127.0.0.1:`port` (the UI too when `ui`), a child of this process."""

    def __init__(self, port: int | None = None, ui: bool = False) -> None:
        self.port = port or free_port()
        self.ui = ui
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
        """Return once the API answers; RuntimeError naming the URL if it does not."""
        assert self.process is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                if httpx.get(f"{self.api_url}/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the Prefect server did not start on {self.url}")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None
