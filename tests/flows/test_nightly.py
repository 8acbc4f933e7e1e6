"""The nightly loop: same body across names, R7, alert mails that are never lost or repeated,
one writer at a time, and analysts' open connections through a run."""

from __future__ import annotations

import json
import multiprocessing
import re
import socket
import threading
import time
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import duckdb
import pytest
from aiosmtpd.controller import Controller

import warehouse
from flows.ingest import ingest
from nianbao.errors import EnvironmentBroken
from nianbao.portal import serve_folder
from nianbao.settings import load_settings
from tests.conftest import REAL_NAMES, REAL_REPORTS, SAMPLE_PORTAL, query_db, real_pdf, real_truth
from tests.corpus.test_scorer import slice_portal

_query = query_db


class Inbox:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it receives."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.controller: Controller | None = None

    def start(self) -> None:
        # A stopped aiosmtpd Controller cannot start again: a restart is a new server, same port.
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture()
def inbox():
    box = Inbox()
    box.start()
    yield box
    box.stop()


def _parts(msg: Message) -> tuple[str, str]:
    text = html = ""
    for part in msg.walk():
        if part.get_content_type() == "text/plain":
            text = part.get_payload(decode=True).decode("utf-8")
        elif part.get_content_type() == "text/html":
            html = part.get_payload(decode=True).decode("utf-8")
    return text, html


@pytest.fixture()
def planted_portal(tmp_path: Path) -> Path:
    """Reports with planted mistakes (R5, R7) and a file that cannot be read."""
    manifest = json.loads(
        (SAMPLE_PORTAL.parent / "sample_truth" / "manifest.json").read_text(encoding="utf-8")
    )
    chosen = {
        "yunxi-police-2024",
        "yunxi-health-2023",
        "yunxi-health-2024",
        "html-yunxi-audit-2024",
    }
    root = tmp_path / "portal"
    slice_portal(root, [m for m in manifest if m["slug"] in chosen])
    return root


def test_alert_mail_once_then_none_then_after_an_outage(
    prefect_harness: None, planted_portal: Path, inbox: Inbox, tmp_path: Path
) -> None:
    db = tmp_path / "w.duckdb"
    settings = load_settings(
        db_path=db,
        smtp_host="127.0.0.1",
        smtp_port=inbox.port,
        alert_to=["analyst@example.org"],
        workers=1,
    )
    with serve_folder(planted_portal) as base:
        ingest(base + "index.html", settings)
        assert len(inbox.messages) == 1
        text, html = _parts(inbox.messages[0])
        assert "云溪市公安局 2024: R5 (error)" in text
        assert "proceeding_code reconsideration (行政复议): printed" in text
        assert "云溪市卫生健康委员会 2024: R7 (warning)" in text
        # the pair named by its years, not by the reports' ids
        assert re.search(
            r"总计: 2024 carried over \d+ \(上年结转\), 2023 carried forward \d+", text
        )
        assert "quarantined" in text and "not a PDF" in text
        assert "reports found 4" in text and base in text
        assert "<h3>" in html and "R5" in html
        mail = inbox.messages[0]  # as RFC 5322 asks (spam filters mark a mail without them)
        assert mail["Date"] and mail["Message-ID"].startswith("<") and "@" in mail["Message-ID"]
        docs = tmp_path / "docs"  # the run report and Data Docs, linked
        assert f"Run report: {(docs / 'report.html').as_uri()}" in text
        assert f"Data Docs: {(docs / 'index.html').as_uri()}" in text
        assert "云溪市公安局" in (docs / "report.html").read_text(encoding="utf-8")
        assert list(docs.glob("validations/*/*云溪市公安局 2024 (*)*/*/*.html"))

        ingest(base + "index.html", settings)  # nothing new: no mail
        assert len(inbox.messages) == 1

    # A new finding while the mail server is down stays pending, and goes out with the next run.
    extra = tmp_path / "portal2"
    slice_portal(
        extra,
        [
            m
            for m in json.loads(
                (SAMPLE_PORTAL.parent / "sample_truth" / "manifest.json").read_text(
                    encoding="utf-8"
                )
            )
            if m["slug"] in {"yunxi-samr-2024"}
        ],
    )
    inbox.stop()
    with serve_folder(extra) as base:
        ingest(base + "index.html", settings)
        # the slipped 总计 of yunxi-samr-2024 breaks R3 and, through the same cell, R4
        assert _query(db, "SELECT count(*) FROM alerts WHERE alerted_at IS NULL") == [(2,)]
        inbox.start()
        ingest(base + "index.html", settings)
    assert len(inbox.messages) == 2
    text, _ = _parts(inbox.messages[1])
    assert "云溪市市场监督管理局 2024: R3 (error)" in text and "R4 (error)" in text
    assert "公安局" not in text
    assert _query(db, "SELECT count(*) FROM alerts WHERE alerted_at IS NULL") == [(0,)]


def test_same_body_under_two_names_has_one_agency_id_and_r7(
    prefect_harness: None, real_portal: str, tmp_path: Path
) -> None:
    db = tmp_path / "w.duckdb"
    ingest(real_portal, load_settings(db_path=db, workers=1))
    ids = dict(_query(db, "SELECT agency, agency_id FROM reports"))
    assert ids["洪泽区人民政府"] == ids["淮安市洪泽区人民政府"] == "127.0.0.1/洪泽区人民政府"
    assert ids["淮安市人民政府"] == "127.0.0.1/淮安市人民政府"
    # hongze 2024 上年结转 = hongze 2023 结转下年度 (both 0): R7 holds, as a warning-level check.
    r7 = _query(
        db,
        "SELECT agency, success, severity FROM dq_results JOIN reports USING (report_id) WHERE check_id = 'R7'",
    )
    assert r7 == [("淮安市洪泽区人民政府", True, "warning")]


def _hold_reader(db: str, ready, done, seen) -> None:  # runs in another process
    con = duckdb.connect(db, read_only=True)
    seen.put(con.execute("SELECT count(*) FROM reports").fetchone()[0])
    ready.set()
    done.wait(300)
    seen.put(con.execute("SELECT count(*) FROM reports").fetchone()[0])
    con.close()


def test_open_reader_keeps_previous_night_and_does_not_block_the_run(
    prefect_harness: None, real_portal: str, tmp_path: Path
) -> None:
    db = tmp_path / "w.duckdb"
    first = tmp_path / "first"
    (first / "files").mkdir(parents=True)
    (first / "files" / "a.pdf").symlink_to(real_pdf(REAL_NAMES[0]))
    (first / "index.html").write_text('<a href="files/a.pdf">年度报告</a>', encoding="utf-8")
    with serve_folder(first) as base:
        ingest(base + "index.html", load_settings(db_path=db, workers=1))
    ctx = multiprocessing.get_context("spawn")
    ready, done, seen = ctx.Event(), ctx.Event(), ctx.Queue()
    reader = ctx.Process(target=_hold_reader, args=(str(db), ready, done, seen))
    reader.start()
    assert ready.wait(60)
    summary = ingest(real_portal, load_settings(db_path=db, workers=1))  # the reader holds the file
    assert summary.count("loaded") == len(REAL_REPORTS) - 1  # the first was loaded before
    done.set()
    reader.join(60)
    assert (seen.get(), seen.get()) == (1, 1)  # the reader kept seeing the previous night
    assert _query(db, "SELECT count(*) FROM reports") == [
        (len(REAL_REPORTS),)
    ]  # a new connection sees the new one


def test_a_second_run_waits_then_gives_up_with_a_message(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    holding = threading.Event()
    release = threading.Event()

    def first_run() -> None:
        with warehouse.working_copy(db, 5):
            holding.set()
            release.wait(30)

    t = threading.Thread(target=first_run)
    t.start()
    assert holding.wait(10)
    started = time.monotonic()
    with (
        pytest.raises(warehouse.RunInProgress, match="another nianbao run is writing w.duckdb"),
        warehouse.working_copy(db, 0.5),
    ):
        pass
    assert time.monotonic() - started >= 0.5
    release.set()
    t.join()
    with warehouse.working_copy(db, 0.5):  # free again
        pass


def test_failed_run_publishes_nothing_but_is_on_record_and_mailed(
    prefect_harness: None, real_portal: str, tmp_path: Path, inbox: Inbox
) -> None:
    db = tmp_path / "w.duckdb"
    ingest(real_portal, load_settings(db_path=db, workers=1))
    before = _query(db, "SELECT count(*) FROM reports")
    mailed = load_settings(
        db_path=db, workers=1, smtp_host="127.0.0.1", smtp_port=inbox.port, alert_to=["a@x.cn"]
    )
    with pytest.raises(EnvironmentBroken, match="portal unreachable"):
        ingest("http://127.0.0.1:9/index.html", mailed)
    (mail,) = inbox.messages
    assert "failed: portal unreachable" in mail["Subject"] and mail["Message-ID"]
    assert _query(db, "SELECT count(*) FROM reports") == before
    assert _query(db, "SELECT outcome FROM runs ORDER BY started_at") == [("ok",), ("failed",)]
    assert real_truth(REAL_NAMES[0])["agency"]  # the real reports are still there


def test_unchanged_portal_downloads_and_extracts_nothing(
    prefect_harness: None, real_portal: str, tmp_path: Path
) -> None:
    db = tmp_path / "w.duckdb"
    cold = ingest(real_portal, load_settings(db_path=db, workers=1))
    n = len(REAL_REPORTS)  # the three PDFs and the report printed as a page
    assert (cold.downloads, cold.extractions) == (n, n)
    views = ("reports", "application_stats", "review_stats", "disclosure_stats", "dq_results")
    before = {v: _query(db, f"SELECT count(*), sum(hash(columns(*))) FROM {v}") for v in views}
    warm = ingest(real_portal, load_settings(db_path=db, workers=1))
    assert (warm.downloads, warm.extractions, warm.count("unchanged")) == (0, 0, n)  # 304
    assert {
        v: _query(db, f"SELECT count(*), sum(hash(columns(*))) FROM {v}") for v in views
    } == before
    assert _query(db, "SELECT count(*) FROM fetch_cache") == [(n,)]


def test_nightly_runs_every_source_in_one_run_and_survives_a_dead_one(
    prefect_harness: None, real_portal: str, tmp_path: Path
) -> None:
    from flows.nightly import nightly

    sources = tmp_path / "sources.toml"
    sources.write_text(
        f'[[source]]\nname = "real"\nlisting = "{real_portal}"\n\n'
        '[[source]]\nname = "gone"\nlisting = "http://127.0.0.1:9/index.html"\n',
        encoding="utf-8",
    )
    db = tmp_path / "w.duckdb"
    line = nightly(str(sources), str(db))
    assert line.startswith(f"reports found {len(REAL_REPORTS)}, loaded {len(REAL_REPORTS)}")
    assert _query(db, "SELECT outcome, source FROM runs") == [("ok", "2 portals")]
    ((title, reason),) = _query(
        db, "SELECT title, reason FROM skipped_items WHERE url LIKE 'http://127.0.0.1:9/%'"
    )
    assert title == "gone" and reason.startswith("portal not crawled tonight: ")
