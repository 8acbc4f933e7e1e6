"""A night over several portals, each on its own loopback address: one run, one working copy
and one publish; every host crawled and downloaded at the same time as the others, each at
its own pace; a portal that cannot be crawled is a skipped item, and the rest load."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from flows.ingest import ingest
from nianbao.settings import load_settings
from nianbao.sources import Portal
from tests.conftest import query_db
from tests.faults import server as srv
from tests.faults.portal import Item, publish, sample_reports

HOSTS = ("127.0.1.1", "127.0.1.2", "127.0.1.3")


@contextmanager
def _portals(reports: dict[str, bytes]) -> Iterator[list[tuple[srv.FaultServer, list[float]]]]:
    """Two reports a portal, one portal per loopback address, each request's time noted."""
    slugs = sorted(reports)
    with ExitStack() as stack:
        served = []
        for n, host in enumerate(HOSTS):
            server = stack.enter_context(srv.fault_server(host))
            mine = slugs[2 * n : 2 * n + 2]
            publish(server, [Item(s, srv.file(reports[s], f'"{s}"')) for s in mine])
            times: list[float] = []
            server.routes = {path: _timed(b, times) for path, b in server.routes.items()}
            served.append((server, times))
        yield served


def _timed(behaviour: srv.Behaviour, times: list[float]) -> srv.Behaviour:
    def answer(handler) -> None:  # type: ignore[no-untyped-def]
        times.append(time.monotonic())
        behaviour(handler)

    return answer


def test_a_night_reads_every_portal_at_once_in_one_run(
    prefect_harness: None, tmp_path: Path
) -> None:
    db = tmp_path / "w.duckdb"
    with _portals(sample_reports()) as served:
        portals = [
            Portal(f"portal {n}", server.url("/col/index.html"), server.host)
            for n, (server, _) in enumerate(served)
        ]
        dead = Portal("gone", "http://127.0.1.9:9/col/index.html", "127.0.1.9")
        summary = ingest([*portals, dead], load_settings(db_path=db, workers=1))
    assert summary.count("loaded") == 6 and len(summary.outcomes) == 6
    assert query_db(db, "SELECT outcome, source FROM runs") == [("ok", "4 portals")]
    ((title, reason),) = query_db(db, "SELECT title, reason FROM skipped_items")
    assert title == "gone" and reason.startswith("portal not crawled tonight")
    # Paced at 2 requests a second, a host's six requests take 2.5 s; one after another the
    # hosts' spans would follow each other, at once they overlap.
    spans = [(min(times), max(times)) for _, times in served]
    assert all(len(times) >= 5 for _, times in served)
    for first, last in spans:
        assert all(first < other_last and other_first < last for other_first, other_last in spans)
    hosts = query_db(db, "SELECT DISTINCT split_part(source_url, '/', 3) FROM reports")
    assert sorted(h.split(":")[0] for (h,) in hosts) == list(HOSTS)


def test_a_slow_column_holds_up_no_other_portals_downloads(
    prefect_harness: None, tmp_path: Path
) -> None:
    """A portal whose detail pages answer slowly is still being crawled when another portal's
    report is downloaded (and read): the crawl hands links to the downloads as it finds
    them, and waits for no slow column to end."""
    slug, report = sorted(sample_reports().items())[0]
    crawl_ended: list[float] = []

    def slow(handler) -> None:  # type: ignore[no-untyped-def]
        time.sleep(1.5)
        srv.page("<p>nothing here</p>")(handler)
        crawl_ended.append(time.monotonic())

    with srv.fault_server(HOSTS[0]) as quick, srv.fault_server(HOSTS[1]) as slowly:
        publish(quick, [Item(slug, srv.file(report))])
        times: list[float] = []
        quick.routes[f"/col/{slug}.pdf"] = _timed(quick.routes[f"/col/{slug}.pdf"], times)
        publish(slowly, [Item(f"s{n}", srv.status(404)) for n in range(4)])
        for n in range(4):
            slowly.routes[f"/col/s{n}.html"] = slow
        portals = [
            Portal("quick", quick.url("/col/index.html"), quick.host),
            Portal("slow", slowly.url("/col/index.html"), slowly.host),
        ]
        settings = load_settings(db_path=tmp_path / "w.duckdb", workers=1, rate_per_second=20)
        summary = ingest(portals, settings)
    assert summary.count("loaded") == 1
    assert len(crawl_ended) == 4 and times[0] < max(crawl_ended) - 2  # seconds before its end
