"""A one-shot run uses a Prefect server already running where `nianbao serve` starts one."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from cli.prefect_server import OneShotDatabase, PrefectServer, free_port, running_server
from tests.conftest import REPO, query_db
from tests.faults import server as srv
from tests.faults.portal import Item, publish, sample_reports

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
    by then it has recorded every task run the run made: its history is whole (read here
    from a database the user named, which the run keeps; its own is removed with it)."""
    home = tmp_path / "prefect-home"
    named = tmp_path / "named.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "NIANBAO_"))}
    env.update(PREFECT_HOME=str(home), NIANBAO_RATE_PER_SECOND="0", NIANBAO_WORKERS="2")
    env.update(PREFECT_API_DATABASE_CONNECTION_URL=f"sqlite+aiosqlite:///{named}")
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
    assert not (home / "prefect.db").exists()
    with sqlite3.connect(named) as db:
        (flow_run,) = db.execute(
            "SELECT id FROM flow_run ORDER BY start_time DESC LIMIT 1"
        ).fetchone()
        recorded = db.execute(
            "SELECT state_type FROM task_run WHERE flow_run_id = ?", [flow_run]
        ).fetchall()
    assert finished > 10  # crawl, the extraction tasks, R7, Data Docs, alert
    assert len(recorded) == finished
    assert {state for (state,) in recorded} == {"COMPLETED"}


def _block_types(server: PrefectServer) -> int:
    answer = httpx.post(f"{server.api_url}/block_types/filter", json={}, timeout=10)
    answer.raise_for_status()
    return len(answer.json())


def test_a_temporary_server_starts_on_a_copy_of_a_migrated_database_and_leaves_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first server of a Prefect version migrates its own database and keeps an empty
    copy; the next starts on a copy of it (no migration, no block registration, its blocks
    there); each database goes with its server (stopped at once: nothing it writes is kept),
    and Prefect's default one is never made."""
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("PREFECT_API_DATABASE_CONNECTION_URL", raising=False)
    servers = []
    for _ in range(2):
        database = OneShotDatabase()
        server = PrefectServer(database=database)
        server.start()
        try:
            server.wait_ready()
            servers.append((database.from_template, _block_types(server)))
        finally:
            process = server.process
            server.stop()
            database.remove()
        assert process is not None and process.returncode == -signal.SIGKILL  # nothing to keep
        assert not database.folder.exists()
        assert database.template.exists()
    (first_copied, first_blocks), (second_copied, second_blocks) = servers
    assert (first_copied, second_copied) == (False, True)
    assert first_blocks > 0 and second_blocks == first_blocks
    third = OneShotDatabase()
    assert third.environment()["PREFECT_API_DATABASE_MIGRATE_ON_START"] == "false"
    third.remove()
    assert not (tmp_path / "home" / "prefect.db").exists()


def test_a_temporary_database_its_command_left_behind_dead_is_removed_by_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A command killed with SIGKILL cannot remove its database; the next command does, once
    its owner no longer runs, and leaves a running command's alone."""
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    dead = tmp_path / f"nianbao-prefect-{gone}-x1"
    alive = tmp_path / "nianbao-prefect-1-x2"
    other = tmp_path / "nianbao-prefect-notes"
    for folder in (dead, alive, other):
        folder.mkdir()
        (folder / "prefect.db").write_bytes(b"x")
    database = OneShotDatabase()
    assert database.folder.name.startswith(f"nianbao-prefect-{os.getpid()}-")
    assert not dead.exists() and alive.exists() and other.exists()  # pid 1 runs
    database.remove()


def test_a_database_the_user_names_is_theirs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PREFECT_API_DATABASE_CONNECTION_URL", "sqlite+aiosqlite:///x.db")
    database = OneShotDatabase()
    assert database.environment() == {}
    database.keep_template()
    assert not database.template.exists()
    database.remove()


def test_a_one_shot_run_reads_robots_txt_while_its_prefect_server_starts(tmp_path: Path) -> None:
    """Each portal's robots.txt is asked before the run begins (its `runs.started_at`: the
    flow run has begun), while the command waits for its temporary server, and not again;
    the run's pace and rules, made by the command, go with the flow run's parameters to a
    worker process (Prefect pickles them) and the report there is read."""
    asked: list[datetime] = []

    def robots(handler) -> None:  # type: ignore[no-untyped-def]
        asked.append(datetime.now(UTC))
        srv.page("User-agent: *\nDisallow: /private/\n")(handler)

    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "NIANBAO_"))}
    env.update(PREFECT_HOME=str(tmp_path / "prefect-home"))
    env.update(NIANBAO_WORKERS="2", NIANBAO_PARALLEL_FROM="1")  # one file, read by a worker
    db = tmp_path / "w.duckdb"
    with srv.fault_server("127.0.1.1") as one, srv.fault_server("127.0.1.2") as two:
        sources = tmp_path / "sources.toml"
        slug, report = sorted(sample_reports().items())[0]
        publish(one, [Item(slug, srv.file(report))])
        two.routes["/col/index.html"] = srv.page("<ul></ul>")  # nothing listed yet
        for portal in (one, two):
            portal.routes["/robots.txt"] = robots
            with sources.open("a", encoding="utf-8") as toml:
                toml.write(f'[[source]]\nname = "{portal.host}"\n')
                toml.write(f'listing = "{portal.url("/col/index.html")}"\n')
        done = subprocess.run(
            [NIANBAO, "run", "--quiet", "--sources", str(sources), "--db", str(db)],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert done.returncode == 0, done.stdout + done.stderr
    assert one.hits("/col/index.html") == two.hits("/col/index.html") == 1
    assert query_db(db, "SELECT count(*) FROM reports") == [(1,)]
    ((started,),) = query_db(db, "SELECT started_at FROM runs")
    assert len(asked) == 2 and max(asked) < started
