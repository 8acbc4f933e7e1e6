"""`nianbao run` killed mid-night, as a real process: SIGKILL leaves no Prefect server or
worker behind (and the next night clears its half download); SIGTERM stops it with exit 143,
the run on record as failed, nothing published."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import REPO, query_db
from tests.faults import server as srv
from tests.faults.portal import Item, publish, sample_reports

NIANBAO = str(Path(sys.executable).with_name("nianbao"))
BODY = sample_reports()["yunxi-city-2022"]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "NIANBAO_"))}
    env.update({"NIANBAO_RATE_PER_SECOND": "0", "NIANBAO_REQUEST_DEADLINE_SECONDS": "600"}, **extra)
    return env


def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()[:200]
    except OSError:
        return "?"


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _start_mid_download(tmp_path: Path, portal: srv.FaultServer, stop: threading.Event):
    listing = publish(portal, [Item("slow", srv.trickle(BODY, 0.05, stop))])
    db = tmp_path / "w.duckdb"
    proc = subprocess.Popen(
        [NIANBAO, "run", "--source", listing, "--db", str(db)],
        cwd=REPO,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 90
    while portal.hits("/col/slow.pdf") == 0:
        assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
        assert time.monotonic() < deadline, "the run never reached the download"
        time.sleep(0.1)
    time.sleep(0.5)  # some bytes written to the .part file
    return proc, db


def test_sigkill_leaves_no_server_or_worker_and_the_next_night_clears_the_part_file(
    tmp_path: Path,
) -> None:
    stop = threading.Event()
    with srv.fault_server() as portal:
        proc, db = _start_mid_download(tmp_path, portal, stop)
        family = _descendants(proc.pid)
        servers = [p for p in family if "prefect.server.api.server" in _cmdline(p)]
        assert servers, "a run starts a Prefect server"
        for pid in servers:  # it must not phone home (it would resolve its telemetry host)
            environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
            assert b"PREFECT_SERVER_ANALYTICS_ENABLED=false" in environ
        assert list((tmp_path / "raw").glob("*.part"))
        proc.kill()
        proc.wait()
        stop.set()
        deadline = time.monotonic() + 20
        while any(_alive(p) for p in family) and time.monotonic() < deadline:
            time.sleep(0.2)
        left = {p: _cmdline(p) for p in family if _alive(p)}
        assert not left, f"left running after SIGKILL: {left}"
        assert list((tmp_path / "raw").glob("*.part"))  # what the killed run left
        portal.routes["/col/slow.pdf"] = srv.file(BODY)
        done = subprocess.run(
            [NIANBAO, "run", "--source", portal.url("/col/index.html"), "--db", str(db)],
            cwd=REPO,
            env=_env(),
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "warehouse:" in done.stdout and "leaked" not in done.stderr  # all said, no noise
    assert not list((tmp_path / "raw").glob("*.part"))
    # the killed run's temporary Prefect database, which it could not remove, the next did
    assert not list(Path(tempfile.gettempdir()).glob(f"nianbao-prefect-{proc.pid}-*"))
    assert query_db(db, "SELECT count(*) FROM reports WHERE status = 'loaded'") == [(1,)]


def test_sigterm_stops_the_run_with_143_on_record_and_nothing_left(tmp_path: Path) -> None:
    stop = threading.Event()
    with srv.fault_server() as portal:
        proc, db = _start_mid_download(tmp_path, portal, stop)
        family = _descendants(proc.pid)
        proc.send_signal(signal.SIGTERM)
        try:
            out, _ = proc.communicate(timeout=60)
        finally:
            stop.set()
    assert proc.returncode == 143, out.decode()
    assert "stopped by signal 15" in out.decode()
    rows = query_db(db, "SELECT outcome, message FROM runs")
    assert len(rows) == 1 and rows[0][0] == "failed" and "signal 15" in rows[0][1]
    assert query_db(db, "SELECT count(*) FROM reports") == [(0,)]  # nothing published
    time.sleep(1)
    assert not [p for p in family if _alive(p)]


@pytest.fixture(autouse=True)
def _no_api_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
