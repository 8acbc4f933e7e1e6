"""Per-host pacing and robots.txt, against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import socket
import struct
import time
from pathlib import Path

import httpx
import pytest

from extract.crawl import crawl_portal
from extract.fetch import fetch_report
from extract.polite import DisallowedByRobots, Politeness, polite_client
from nianbao.portal import serve_folder
from nianbao.records import FetchFailure
from tests.faults import server as srv


def _site(root: Path) -> Path:
    (root / "files").mkdir(parents=True)
    (root / "files" / "a.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    (root / "private").mkdir()
    (root / "private" / "b.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    (root / "index.html").write_text(
        '<a href="files/a.pdf">2024年度报告</a><a href="private/b.pdf">2023年度报告</a>',
        encoding="utf-8",
    )
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n", encoding="utf-8")
    return root


def test_requests_to_one_host_are_paced(tmp_path: Path) -> None:
    with (
        serve_folder(_site(tmp_path)) as base,
        polite_client(Politeness("t", 5, respect_robots=False, timeout=5)) as client,
    ):
        started = time.monotonic()
        for _ in range(6):
            client.get(base + "index.html")
        assert time.monotonic() - started >= 1.0  # 6 requests at 5 per second: ≥ 5 intervals


def test_a_host_with_its_own_rate_is_paced_at_it_and_the_others_at_the_runs() -> None:
    """A sources file's rate_per_second for one portal: its host alone goes slower."""
    polite = Politeness("t", 100, respect_robots=False, timeout=5, host_rates={"slow.cn": 1})
    started = time.monotonic()
    for _ in range(3):
        polite(httpx.Request("GET", "http://fast.cn/a"))
        polite(httpx.Request("GET", "http://slow.cn/a"))
    # six requests, the slow host's third waits two of its intervals (2 s), the others 0.02
    assert 1.9 <= time.monotonic() - started < 2.5
    polite_free = Politeness("t", 0, respect_robots=False, timeout=5, host_rates={"slow.cn": 2})
    started = time.monotonic()
    for _ in range(3):
        polite_free(httpx.Request("GET", "http://fast.cn/a"))
    assert time.monotonic() - started < 0.1


def test_robots_txt_disallowed_files_are_recorded_not_fetched(tmp_path: Path) -> None:
    with (
        serve_folder(_site(tmp_path)) as base,
        polite_client(Politeness("t", 0, True, 5)) as client,
    ):
        found = crawl_portal(client, base + "index.html")
        assert {link.url.rsplit("/", 1)[1] for link in found.links} == {"a.pdf", "b.pdf"}
        blocked = fetch_report(client, base + "private/b.pdf", tmp_path / "raw")
        allowed = fetch_report(client, base + "files/a.pdf", tmp_path / "raw")
    assert isinstance(blocked, FetchFailure) and "robots.txt" in blocked.reason
    assert not isinstance(allowed, FetchFailure)


def test_without_robots_txt_everything_is_allowed(tmp_path: Path) -> None:
    site = _site(tmp_path)
    (site / "robots.txt").unlink()
    with serve_folder(site) as base, polite_client(Politeness("t", 0, True, 5)) as client:
        assert not isinstance(
            fetch_report(client, base + "private/b.pdf", tmp_path / "raw"), FetchFailure
        )


def test_a_runs_clients_share_the_pace_and_read_robots_txt_once(tmp_path: Path) -> None:
    site = _site(tmp_path)
    sent: list[float] = []
    with serve_folder(site) as base:
        shared = Politeness("t", 5, True, 5)  # the run's one, as flows/ingest.py makes it
        for batch in range(3):  # a client per download batch, as a run opens them
            with polite_client(shared) as client:
                client.event_hooks = {
                    "request": [
                        *client.event_hooks["request"],
                        lambda r: sent.append(time.monotonic()),
                    ]
                }
                client.get(base + "index.html")
                assert not isinstance(
                    fetch_report(client, base + "files/a.pdf", tmp_path / "raw"), FetchFailure
                )
            if batch == 0:  # read again, these rules would refuse the next batches
                (site / "robots.txt").write_text(
                    "User-agent: *\nDisallow: /files/\n", encoding="utf-8"
                )
    gaps = [b - a for a, b in zip(sent, sent[1:], strict=False)]
    # 5 a second, across clients too (a fresh client would go at once: a gap near 0); the
    # first is stamped after the robots.txt read that shares its slot, so a little short
    assert len(sent) == 6 and min(gaps) >= 0.15


ROBOTS = "User-agent: *\nDisallow: /private/\n"


def _read_ahead(polite: Politeness, server: srv.FaultServer) -> None:
    """robots.txt read ahead of the pages, as `nianbao run` does while Prefect starts."""
    polite.read_robots_ahead([server.url("/col/index.html")])


def test_robots_txt_read_ahead_spares_the_first_page_its_reading_and_its_pace() -> None:
    with srv.fault_server() as server:
        server.routes["/robots.txt"] = srv.page(ROBOTS)
        server.routes["/col/index.html"] = srv.page("<p>listing</p>")
        polite = Politeness("t", 2, True, 5)  # a request every 0.5 s
        _read_ahead(polite, server)
        deadline = time.monotonic() + 5
        while server.hits("/robots.txt") == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.6)  # the command does other work meanwhile (Prefect's server starting)
        with polite_client(polite) as client:
            asked = time.monotonic()
            assert client.get(server.url("/col/index.html")).status_code == 200
            waited = time.monotonic() - asked
            with pytest.raises(DisallowedByRobots):  # the rules read ahead are the ones used
                client.get(server.url("/private/a.pdf"))
    assert server.hits("/robots.txt") == 1
    assert waited < 0.3  # read at the page, robots.txt would have held it 0.5 s (its pace)


def test_a_page_asked_while_its_robots_txt_is_read_ahead_waits_for_it() -> None:
    def slow(handler) -> None:  # type: ignore[no-untyped-def]
        time.sleep(0.3)
        srv.page("User-agent: *\nDisallow: /col/\n")(handler)

    with srv.fault_server() as server:
        server.routes["/robots.txt"] = slow
        server.routes["/col/index.html"] = srv.page("<p>listing</p>")
        polite = Politeness("t", 0, True, 5)
        _read_ahead(polite, server)
        with polite_client(polite) as client, pytest.raises(DisallowedByRobots):
            client.get(server.url("/col/index.html"))
    assert server.hits("/robots.txt") == 1 and server.hits("/col/index.html") == 0


def test_a_robots_txt_that_failed_ahead_is_read_again_by_the_first_page() -> None:
    def hang_up(handler) -> None:  # type: ignore[no-untyped-def]
        handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        handler.connection.close()

    with srv.fault_server() as server:
        server.routes["/robots.txt"] = srv.sequence(hang_up, srv.page(ROBOTS))
        server.routes["/col/index.html"] = srv.page("<p>listing</p>")
        polite = Politeness("t", 0, True, 5)
        _read_ahead(polite, server)
        deadline = time.monotonic() + 5
        while server.hits("/robots.txt") == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        with polite_client(polite) as client:
            assert client.get(server.url("/col/index.html")).status_code == 200
            with pytest.raises(DisallowedByRobots):
                client.get(server.url("/private/a.pdf"))
    assert server.hits("/robots.txt") == 2
