"""Downloads across hosts (flows/download.py): a host that keeps failing is left to rest for
the night, its other files recorded as not asked; the other hosts are not held up."""

from __future__ import annotations

from pathlib import Path

from extract.polite import polite_client
from flows.download import fetch, politeness
from flows.run import Run
from nianbao.records import FetchedFile, FetchFailure
from nianbao.settings import load_settings
from nianbao.sources import Portal
from tests.faults import server as srv
from tests.faults.portal import sample_reports
from warehouse import Warehouse


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
        run = Run("r1", portals, settings, store, client, hosts)
        results = fetch.fn(urls, run, {})
    assert [type(r) for r in results] == [FetchFailure] * 8 + [FetchedFile]
    assert len(down.requests) == 3 * 2  # three files asked, twice each; then the host rests
    rested = [r for r in results[3:8] if isinstance(r, FetchFailure)]
    assert all(r.transient and "left to rest" in r.reason for r in rested)
