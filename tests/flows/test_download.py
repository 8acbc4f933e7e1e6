"""Downloads across hosts (flows/download.py): a host that keeps failing is left to rest for
the night, its other files recorded as not asked; the other hosts are not held up."""

from __future__ import annotations

import threading
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from extract.polite import polite_client
from flows.download import download, politeness
from flows.links import LinkFeed
from flows.run import Run
from nianbao.errors import EnvironmentBroken
from nianbao.records import FetchedFile, FetchFailure, ReportLink
from nianbao.settings import load_settings
from nianbao.sources import Portal
from tests.faults import server as srv
from tests.faults.portal import sample_reports
from warehouse import Warehouse


def _downloaded(urls: list[str], hosts: dict[str, str], run: Run) -> list[Any]:
    """The URLs downloaded as the night's downloads take them from the crawl (each found on
    its host); their results in the URLs' order."""
    feed = LinkFeed()
    for url in urls:
        feed.add([ReportLink(url, url, "")], hosts[url])
    feed.close()
    came: list[FetchedFile | FetchFailure] = []
    download.fn(run, feed, {}, came.append)
    by_url = {result.url: result for result in came}
    assert len(came) == len(by_url) == len(urls)  # each URL once
    return [by_url[url] for url in urls]


def test_a_host_failing_again_and_again_rests_and_the_others_go_on(tmp_path: Path) -> None:
    body = next(iter(sample_reports().values()))
    settings = load_settings(
        db_path=tmp_path / "w.duckdb",
        fetch_attempts=2,
        retry_backoff_seconds=0.01,
        host_failures_in_a_row=3,
        respect_robots=False,
    )
    with (
        srv.fault_server("127.0.1.31") as down,
        srv.fault_server("127.0.1.32") as up,
        Warehouse.open(settings.db_path) as store,
        polite_client(politeness(settings)) as client,
    ):
        for n in range(8):
            down.routes[f"/f{n}.pdf"] = srv.status(503)
        up.routes["/ok.pdf"] = srv.file(body)
        urls = [down.url(f"/f{n}.pdf") for n in range(8)] + [up.url("/ok.pdf")]
        portals = (Portal("down", down.url("/"), down.host), Portal("up", up.url("/"), up.host))
        hosts = {u: (down.host if u.startswith(down.base) else up.host) for u in urls}
        results = _downloaded(urls, hosts, Run("r1", portals, settings, store, client))
    assert [type(r) for r in results] == [FetchFailure] * 8 + [FetchedFile]
    assert len(down.requests) == 3 * 2  # three files asked, twice each; then the host rests
    rested = [r for r in results[3:8] if isinstance(r, FetchFailure)]
    assert all(r.transient and "left to rest" in r.reason for r in rested)


class _Gauge:
    """Requests open at once over every server it wraps (the most seen), and when each
    server's first request came."""

    def __init__(self) -> None:
        self.open = self.most = 0
        self.first: dict[str, float] = {}
        self._lock = threading.Lock()

    def wrap(self, host: str, behaviour: srv.Behaviour, hold: float) -> srv.Behaviour:
        def answer(handler) -> None:  # type: ignore[no-untyped-def]
            with self._lock:
                self.first.setdefault(host, time.monotonic())
                self.open += 1
                self.most = max(self.most, self.open)
            time.sleep(hold)  # the request stays open a while
            try:
                behaviour(handler)
            finally:
                with self._lock:
                    self.open -= 1

        return answer


def test_every_host_starts_at_once_and_open_requests_are_capped_over_all(tmp_path: Path) -> None:
    """Six hosts, each paced at one request a second, robots.txt and three files each, and at
    most two requests open at once: every host is asked at the start (a host waiting for its
    pace holds no slot), and never more than two requests are open, robots.txt's counted."""
    body = next(iter(sample_reports().values()))
    settings = load_settings(
        db_path=tmp_path / "w.duckdb", rate_per_second=1, open_requests=2, respect_robots=True
    )
    gauge = _Gauge()
    with ExitStack() as stack:
        servers = [stack.enter_context(srv.fault_server(f"127.0.1.{41 + n}")) for n in range(6)]
        for server in servers:
            server.routes["/robots.txt"] = gauge.wrap(server.host, srv.status(404), 0.1)
            for f in range(3):
                server.routes[f"/f{f}.pdf"] = gauge.wrap(server.host, srv.file(body), 0.1)
        store = stack.enter_context(Warehouse.open(settings.db_path))
        client = stack.enter_context(polite_client(politeness(settings)))
        urls = [s.url(f"/f{f}.pdf") for f in range(3) for s in servers]
        portals = tuple(Portal(s.host, s.url("/"), s.host) for s in servers)
        hosts = {s.url(f"/f{f}.pdf"): s.host for s in servers for f in range(3)}
        started = time.monotonic()
        results = _downloaded(urls, hosts, Run("r1", portals, settings, store, client))
    assert all(isinstance(r, FetchedFile) for r in results)
    assert gauge.most == 2  # the cap, reached and kept to
    # six robots.txt through two slots of 0.1 s: all asked within ~0.3 s, where hosts
    # taken two at a time (each then waiting 2 s for its pace) would start the last after 4 s
    assert max(gauge.first.values()) - started < 1.0


def test_a_slow_host_holds_up_no_other_hosts_downloads(tmp_path: Path) -> None:
    """Each host downloads in a thread of its own as the links come: a host whose files take
    a second each to answer does not hold the other host's files behind its own (in batches,
    a batch waited for its slowest host before the next began)."""
    body = next(iter(sample_reports().values()))
    settings = load_settings(db_path=tmp_path / "w.duckdb", rate_per_second=50)

    def slow(handler) -> None:  # type: ignore[no-untyped-def]
        time.sleep(1.0)
        srv.file(body)(handler)

    with (
        srv.fault_server("127.0.1.51") as slowly,
        srv.fault_server("127.0.1.52") as quick,
        Warehouse.open(settings.db_path) as store,
        polite_client(politeness(settings)) as client,
    ):
        for n in range(3):
            slowly.routes[f"/s{n}.pdf"] = slow
        for n in range(12):
            quick.routes[f"/q{n}.pdf"] = srv.file(body)
        feed = LinkFeed()
        for n in range(3):  # a slow host's link, then four of the quick one's, in turn
            feed.add([ReportLink(slowly.url(f"/s{n}.pdf"), "", "")], slowly.host)
            quicks = [ReportLink(quick.url(f"/q{4 * n + k}.pdf"), "", "") for k in range(4)]
            feed.add(quicks, quick.host)
        feed.close()
        came: dict[str, float] = {}
        portals = (
            Portal("slow", slowly.url("/"), slowly.host),
            Portal("q", quick.url("/"), quick.host),
        )
        run = Run("r1", portals, settings, store, client)
        download.fn(run, feed, {}, lambda r: came.setdefault(r.url, time.monotonic()))
    slow_times = sorted(t for url, t in came.items() if "/s" in url)
    quick_times = [t for url, t in came.items() if "/q" in url]
    assert len(slow_times) == 3 and len(quick_times) == 12
    assert max(quick_times) < slow_times[1]  # every quick file in before the slow host's second


def test_a_download_that_cannot_be_written_fails_the_night_and_asks_no_more(
    tmp_path: Path,
) -> None:
    """Not a file's failure but the night's (the raw folder cannot be written: a full disk,
    a file where the folder should be): raised once the host threads end, and the links
    still coming are not asked."""
    body = next(iter(sample_reports().values()))
    (tmp_path / "raw").write_text("a file where the raw folder should be")
    settings = load_settings(
        db_path=tmp_path / "w.duckdb", raw_dir=tmp_path / "raw", rate_per_second=10
    )
    with (
        srv.fault_server("127.0.1.61") as portal,
        Warehouse.open(settings.db_path) as store,
        polite_client(politeness(settings)) as client,
    ):
        for n in range(6):
            portal.routes[f"/f{n}.pdf"] = srv.file(body)
        feed = LinkFeed()
        feed.add([ReportLink(portal.url("/f0.pdf"), "", "")], portal.host)
        run = Run("r1", (Portal("p", portal.url("/"), portal.host),), settings, store, client)
        came: list[FetchedFile | FetchFailure] = []

        def later() -> None:  # the crawl goes on finding links after the first failed
            time.sleep(0.5)
            feed.add(
                [ReportLink(portal.url(f"/f{n}.pdf"), "", "") for n in range(1, 6)], portal.host
            )
            feed.close()

        threading.Thread(target=later, daemon=True).start()
        with pytest.raises(EnvironmentBroken, match="cannot write downloads"):
            download.fn(run, feed, {}, came.append)
    assert came == []
    assert sum(portal.hits(f"/f{n}.pdf") for n in range(1, 6)) == 0
