"""Alerts exactly once, to everyone: a recipient the server refuses keeps the findings pending
for them alone; a run killed after the server took the mail but before the night was published
does not mail the same findings again."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from flows.ingest import ingest
from nianbao.settings import load_settings
from tests.conftest import REPO, query_db
from tests.faults import server as srv
from tests.faults.portal import Item, publish, sample_reports

PLANTED = "yunxi-city-2023"  # R5 fails: one finding to mail
NIANBAO = str(Path(sys.executable).with_name("nianbao"))


class Mailbox:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that refuses some recipients (550) and may
    stall on QUIT after taking a message."""

    def __init__(self, refuse: set[str] | None = None, stall_quit: bool = False) -> None:
        self.refuse = refuse or set()
        self.stall_quit = stall_quit
        self.received: list[tuple[list[str], Message]] = []
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802
        if address in self.refuse:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.received.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 OK"

    async def handle_QUIT(self, server, session, envelope):  # noqa: N802
        if self.stall_quit:
            await asyncio.sleep(120)
        return "221 Bye"

    def __enter__(self) -> Mailbox:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


def _portal(server: srv.FaultServer) -> str:
    body = sample_reports()[PLANTED]
    return publish(server, [Item("planted", srv.file(body))])


def test_a_refused_recipient_keeps_the_findings_pending_for_them_alone(
    prefect_harness: None, tmp_path: Path
) -> None:
    db = tmp_path / "w.duckdb"
    who = ["a@example.org", "gone@example.org"]
    settings = load_settings(
        db_path=db, smtp_host="127.0.0.1", alert_to=who, workers=1, rate_per_second=0
    )
    with srv.fault_server() as portal:
        listing = _portal(portal)
        with Mailbox(refuse={"gone@example.org"}) as box:
            first = ingest(listing, settings.model_copy(update={"smtp_port": box.port}))
        assert [to for to, _ in box.received] == [["a@example.org"]]
        assert first.mail.unsent and "refused gone@example.org" in first.mail.problem
        assert query_db(db, "SELECT count(*) FROM alerts WHERE alerted_at IS NULL") == [(1,)]
        with Mailbox() as box:  # the mailbox exists again
            second = ingest(listing, settings.model_copy(update={"smtp_port": box.port}))
        assert [to for to, _ in box.received] == [["gone@example.org"]]
        assert not second.mail.unsent and second.mail.sent == 1
        assert "R5" in box.received[0][1]["Subject"] or "R5" in box.received[0][1].as_string()
        assert query_db(db, "SELECT count(*) FROM alerts WHERE alerted_at IS NULL") == [(0,)]
        with Mailbox() as box:
            ingest(listing, settings.model_copy(update={"smtp_port": box.port}))
        assert box.received == []


def test_a_run_killed_after_the_mail_was_taken_does_not_mail_it_again(
    prefect_harness: None, tmp_path: Path
) -> None:
    db = tmp_path / "w.duckdb"
    journal = tmp_path / "w.duckdb.alerts-sent"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "NIANBAO_"))}
    with srv.fault_server() as portal:
        listing = _portal(portal)
        with Mailbox(stall_quit=True) as box:
            env.update(
                NIANBAO_RATE_PER_SECOND="0",
                NIANBAO_SMTP_HOST="127.0.0.1",
                NIANBAO_SMTP_PORT=str(box.port),
                NIANBAO_SMTP_TIMEOUT_SECONDS="120",
                NIANBAO_ALERT_TO='["a@example.org"]',
            )
            proc = subprocess.Popen(
                [NIANBAO, "run", "--source", listing, "--db", str(db)],
                cwd=REPO,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            deadline = time.monotonic() + 120
            while not journal.exists():  # the server took the mail; the run stalls at QUIT
                assert proc.poll() is None and time.monotonic() < deadline
                time.sleep(0.05)
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        assert len(box.received) == 1
        assert not db.exists() or query_db(db, "SELECT count(*) FROM runs") == [(0,)]
        settings = load_settings(
            db_path=db,
            smtp_host="127.0.0.1",
            alert_to=["a@example.org"],
            workers=1,
            rate_per_second=0,
        )
        with Mailbox() as box:
            summary = ingest(listing, settings.model_copy(update={"smtp_port": box.port}))
        assert summary.count("loaded") == 1  # the killed night was not published: read again
        assert box.received == []  # … but its mail was not sent again
    assert query_db(db, "SELECT count(*) FROM alerts WHERE alerted_at IS NULL") == [(0,)]
    assert not journal.exists()  # the published night holds what the journal said


@pytest.fixture(autouse=True)
def _no_api_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PREFECT_API_URL", raising=False)


def test_an_unsent_mail_is_in_the_summary_and_exits_4_when_asked(
    prefect_harness: None, tmp_path: Path
) -> None:
    with socket.socket() as s:  # a port nothing listens on: the mail server is down
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "NIANBAO_"))}
    env.update(
        NIANBAO_RATE_PER_SECOND="0",
        NIANBAO_WORKERS="1",
        NIANBAO_SMTP_HOST="127.0.0.1",
        NIANBAO_SMTP_PORT=str(closed),
        NIANBAO_ALERT_TO='["a@example.org"]',
    )
    with srv.fault_server() as portal:
        listing = _portal(portal)
        done = subprocess.run(
            [
                NIANBAO,
                "run",
                "--source",
                listing,
                "--db",
                str(tmp_path / "w.duckdb"),
                "--fail-on-unsent-mail",
                "--quiet",
            ],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert done.returncode == 4, done.stdout + done.stderr
    assert (
        "alert mail not sent (1 finding(s) pending): to a@example.org: ConnectionRefused"
        in done.stdout
    )
