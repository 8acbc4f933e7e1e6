"""A one-shot run uses a Prefect server already running where `nianbao serve` starts one."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

from cli.prefect_server import PrefectServer, free_port, running_server
from tests.conftest import REPO

NIANBAO = str(Path(sys.executable).with_name("nianbao"))


def test_a_running_prefect_server_is_found_and_a_free_port_is_not_one() -> None:
    port = free_port()
    assert running_server(port) is None
    server = PrefectServer(port)
    server.start()
    try:
        server.wait_ready()
        assert running_server(port) == server.api_url
    finally:
        server.stop()
    assert running_server(port) is None


def test_a_one_shot_run_leaves_every_task_run_in_its_temporary_servers_database(
    tmp_path: Path,
) -> None:
    """The run's own server is stopped after Prefect's queued logs and events are sent, and
    by then it has recorded every task run the run made: its history in the UI is whole."""
    home = tmp_path / "prefect-home"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "NIANBAO_"))}
    env.update(PREFECT_HOME=str(home), NIANBAO_RATE_PER_SECOND="0", NIANBAO_WORKERS="2")
    env.update(NIANBAO_SAMPLE_PORTAL_PORT=str(free_port()))
    with (tmp_path / "out.txt").open("w") as out:  # a file: the forkserver may hold a pipe
        subprocess.run(
            [NIANBAO, "run", "--verbose", "--db", str(tmp_path / "w.duckdb")],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            check=True,
            timeout=600,
        )
    said = (tmp_path / "out.txt").read_text(encoding="utf-8")
    finished = len(re.findall(r"Task run '[^']+' - Finished in state", said))
    with sqlite3.connect(home / "prefect.db") as db:
        (flow_run,) = db.execute(
            "SELECT id FROM flow_run ORDER BY start_time DESC LIMIT 1"
        ).fetchone()
        recorded = db.execute(
            "SELECT state_type FROM task_run WHERE flow_run_id = ?", [flow_run]
        ).fetchall()
    assert finished > 10  # crawl, the extraction tasks, R7, Data Docs, alert
    assert len(recorded) == finished
    assert {state for (state,) in recorded} == {"COMPLETED"}
