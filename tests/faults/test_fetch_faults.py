"""One attachment, every way a server can fail it: each one costs that file (a FetchFailure
with its reason, transient or not), never an exception that would end the night."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from extract.fetch import clear_partial_downloads, fetch_report
from extract.http import Limits
from extract.polite import Politeness, polite_client
from nianbao.records import FetchedFile, FetchFailure
from tests.faults import server as srv

BODY = b"%PDF-1.4\n" + b"x" * 50_000 + b"\n%%EOF\n"
LIMITS = Limits(deadline_seconds=1.5, max_bytes=5 * 1024 * 1024, attempts=2, backoff_seconds=0.01)


@pytest.fixture()
def portal() -> Iterator[srv.FaultServer]:
    with srv.fault_server() as server:
        yield server


def _fetch(server: srv.FaultServer, path: str, raw: Path, limits: Limits = LIMITS, **kw):
    with polite_client(Politeness("t", 0, False, 5, limits.deadline_seconds)) as client:
        return fetch_report(client, server.url(path), raw, limits=limits, **kw)


def _no_part_left(raw: Path) -> bool:
    return not list(raw.glob("*.part"))


def test_5xx_after_its_retries_is_a_transient_failure(portal, tmp_path: Path) -> None:
    portal.routes["/a.pdf"] = srv.status(503)
    got = _fetch(portal, "/a.pdf", tmp_path)
    assert isinstance(got, FetchFailure) and got.transient
    assert "HTTP 503" in got.reason and "next run" in got.reason
    assert portal.hits("/a.pdf") == LIMITS.attempts
    assert _no_part_left(tmp_path)


def test_a_5xx_that_clears_within_the_run_gives_the_file(portal, tmp_path: Path) -> None:
    portal.routes["/a.pdf"] = srv.sequence(srv.status(502), srv.file(BODY))
    got = _fetch(portal, "/a.pdf", tmp_path)
    assert isinstance(got, FetchedFile) and Path(got.path).read_bytes() == BODY


def test_429_with_retry_after_waits_as_asked_then_gets_the_file(portal, tmp_path: Path) -> None:
    portal.routes["/a.pdf"] = srv.sequence(srv.status(429, {"Retry-After": "1"}), srv.file(BODY))
    started = time.monotonic()
    got = _fetch(portal, "/a.pdf", tmp_path)
    assert isinstance(got, FetchedFile)
    assert time.monotonic() - started >= 1.0


def test_429_asking_for_longer_than_a_run_waits_is_left_for_the_next_run(
    portal, tmp_path: Path
) -> None:
    portal.routes["/a.pdf"] = srv.status(429, {"Retry-After": "3600"})
    started = time.monotonic()
    got = _fetch(portal, "/a.pdf", tmp_path)
    assert isinstance(got, FetchFailure) and got.transient and "HTTP 429" in got.reason
    assert time.monotonic() - started < 5 and portal.hits("/a.pdf") == 1


def test_a_connection_reset_mid_body_is_transient_and_leaves_nothing(portal, tmp_path) -> None:
    portal.routes["/a.pdf"] = srv.reset_mid_body(BODY)
    got = _fetch(portal, "/a.pdf", tmp_path)
    assert isinstance(got, FetchFailure) and got.transient
    assert _no_part_left(tmp_path) and not list(tmp_path.glob("*.pdf"))


def test_a_content_length_longer_than_the_body_is_transient(portal, tmp_path: Path) -> None:
    portal.routes["/a.pdf"] = srv.short_body(BODY)
    got = _fetch(portal, "/a.pdf", tmp_path)
    assert isinstance(got, FetchFailure) and got.transient and "cut short" in got.reason
    assert _no_part_left(tmp_path) and not list(tmp_path.glob("*.pdf"))


def test_gzip_label_on_a_plain_pdf_keeps_the_pdf_as_sent(portal, tmp_path: Path) -> None:
    portal.routes["/a.pdf"] = srv.gzip_label_on_plain(BODY)
    got = _fetch(portal, "/a.pdf", tmp_path)
    assert isinstance(got, FetchedFile) and Path(got.path).read_bytes() == BODY


def test_a_gzipped_pdf_is_stored_unzipped(portal, tmp_path: Path) -> None:
    portal.routes["/a.pdf"] = srv.gzipped(BODY)
    got = _fetch(portal, "/a.pdf", tmp_path)
    assert isinstance(got, FetchedFile) and Path(got.path).read_bytes() == BODY


def test_a_gzip_bomb_stops_at_the_size_cap(portal, tmp_path: Path) -> None:
    portal.routes["/a.pdf"] = srv.gzip_bomb(64)  # ~64 KB on the wire, 64 MB unpacked
    limits = Limits(deadline_seconds=10, max_bytes=2 * 1024 * 1024, attempts=1)
    got = _fetch(portal, "/a.pdf", tmp_path, limits)
    assert isinstance(got, FetchFailure) and not got.transient
    assert "larger than the 2 MB" in got.reason
    assert _no_part_left(tmp_path) and not list(tmp_path.glob("*.pdf"))


def test_a_huge_attachment_stops_at_the_size_cap(portal, tmp_path: Path) -> None:
    portal.routes["/a.pdf"] = srv.huge(50)
    limits = Limits(deadline_seconds=10, max_bytes=3 * 1024 * 1024, attempts=1)
    got = _fetch(portal, "/a.pdf", tmp_path, limits)
    assert isinstance(got, FetchFailure) and "NIANBAO_MAX_DOWNLOAD_MB" in got.reason
    assert sum(p.stat().st_size for p in tmp_path.iterdir()) == 0


@pytest.mark.parametrize(
    "trickling",
    [lambda stop: srv.trickle(BODY, 0.2, stop), lambda stop: srv.trickle_headers(0.2, stop)],
    ids=["body", "headers"],
)
def test_a_trickling_answer_meets_the_deadline(trickling, portal, tmp_path: Path) -> None:
    stop = threading.Event()
    portal.routes["/a.pdf"] = trickling(stop)
    started = time.monotonic()
    got = _fetch(portal, "/a.pdf", tmp_path, Limits(deadline_seconds=1.0, attempts=1))
    stop.set()
    assert isinstance(got, FetchFailure) and got.transient
    assert time.monotonic() - started < 4


def test_a_redirect_loop_is_a_failure_not_a_crash(portal, tmp_path: Path) -> None:
    portal.routes["/a.pdf"] = srv.redirect("/b.pdf")
    portal.routes["/b.pdf"] = srv.redirect("/a.pdf")
    got = _fetch(portal, "/a.pdf", tmp_path)
    assert isinstance(got, FetchFailure) and "redirect loop" in got.reason


def test_a_redirect_on_the_host_is_followed_and_provenance_keeps_the_target(
    portal, tmp_path: Path
) -> None:
    portal.routes["/a.pdf"] = srv.redirect("/files/real.pdf")
    portal.routes["/files/real.pdf"] = srv.file(BODY)
    got = _fetch(portal, "/a.pdf", tmp_path)
    assert isinstance(got, FetchedFile) and got.url == portal.url("/a.pdf")
    assert got.final_url == portal.url("/files/real.pdf")


def test_a_redirect_to_another_host_is_not_followed(portal, tmp_path: Path) -> None:
    with srv.fault_server("127.0.0.2") as foreign:
        foreign.routes["/x.pdf"] = srv.file(b"%PDF-1.4 not the portal's\n%%EOF\n")
        portal.routes["/a.pdf"] = srv.redirect(foreign.url("/x.pdf"))
        got = _fetch(portal, "/a.pdf", tmp_path)
        assert foreign.hits("/x.pdf") == 0
    assert isinstance(got, FetchFailure) and "not followed" in got.reason
    assert "127.0.0.2" in got.reason


def test_a_dead_link_is_terminal(portal, tmp_path: Path) -> None:
    got = _fetch(portal, "/missing.pdf", tmp_path)
    assert isinstance(got, FetchFailure) and not got.transient and "HTTP 404" in got.reason


def test_an_unwritable_raw_folder_stops_the_run(portal, tmp_path: Path) -> None:
    from nianbao.errors import EnvironmentBroken

    (tmp_path / "raw").write_text("a file where the folder should be")
    portal.routes["/a.pdf"] = srv.file(BODY)
    with pytest.raises(EnvironmentBroken, match="cannot write downloads"):
        _fetch(portal, "/a.pdf", tmp_path / "raw")


def test_partial_downloads_left_by_a_killed_run_are_cleared(tmp_path: Path) -> None:
    (tmp_path / "abc.part").write_bytes(b"half")
    (tmp_path / "keep.pdf").write_bytes(b"%PDF")
    assert clear_partial_downloads(tmp_path) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["keep.pdf"]
