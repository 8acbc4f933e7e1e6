"""Warm nights ask only what may have changed: the listing; a detail page only when it is
new or its listing title changed; no listing page past one that lists only known items; a
known attachment only on its night of the rotation, and never within a period of its last
asking (the night after a cold night asks no file). A full walk (the portal's night of its
own rotation, a period at least after its last) asks everything again."""

from __future__ import annotations

from pathlib import Path

import pytest

import flows.run
from flows.download import due
from flows.ingest import ingest
from nianbao.settings import Settings, load_settings
from tests.faults import server as srv
from tests.faults.portal import Item, publish, sample_reports

REPORTS = sample_reports()
SLUGS = sorted(REPORTS)
PERIOD = 7


def _settings(db: Path, **more: object) -> Settings:
    return load_settings(
        db_path=db,
        workers=1,
        revalidate_days=PERIOD,
        full_walk_days=PERIOD,
        respect_robots=False,
        **more,
    )


def _night(listing: str, walk: bool, after: int) -> int:
    """The first night from `after` on which the portal's full walk is (or is not) due."""
    return next(n for n in range(after, after + 10 * PERIOD) if due(listing, n, PERIOD) == walk)


def _items(slugs: list[str], title: str = "2023年度政府信息公开工作年度报告") -> list[Item]:
    return [Item(s, srv.file(REPORTS[s], f'"{s}"'), title) for s in slugs]


def _second_page(server: srv.FaultServer, slugs: list[str]) -> str:
    """Listing page index_1.html with `slugs`' items; the link to it for page one."""
    links = "".join(
        f'<li><a href="{s}.html">2022年度政府信息公开工作年度报告 {s}</a></li>' for s in slugs
    )
    server.routes["/col/index_1.html"] = srv.page(f"<html><body><ul>{links}</ul></body></html>")
    for s in slugs:
        server.routes[f"/col/{s}.html"] = srv.page(
            f'<html><body><a href="{s}.pdf">附件</a></body></html>'
        )
        server.routes[f"/col/{s}.pdf"] = srv.file(REPORTS[s], f'"{s}"')
    return '<a href="index_1.html">下一页</a>'


def test_a_warm_night_asks_the_listing_and_only_the_files_due_tonight(
    prefect_harness: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "w.duckdb"
    with srv.fault_server("127.0.1.4") as server:
        first, later = SLUGS[:4], SLUGS[4:6]
        listing = publish(server, _items(first), _second_page(server, later))
        # the night before the column's night of its walk rotation: the walk is not due the
        # night after all the same, a period not having passed
        cold_night = _night(listing, walk=True, after=1001) - 1
        monkeypatch.setattr(flows.run, "night_number", lambda: cold_night)
        cold = ingest(listing, _settings(db))
        assert cold.count("loaded") == 6

        # The night after: the cold night has just asked every file and walked the column,
        # so only the listing's first page is asked.
        monkeypatch.setattr(flows.run, "night_number", lambda: cold_night + 1)
        server.requests.clear()
        warm = ingest(listing, _settings(db))
        assert warm.count("unchanged") == 6 and warm.downloads == 0
        assert server.requests == ["/col/index.html"]

        # A period on, each file on its own night of the rotation (no full walk tonight).
        night = _night(listing, walk=False, after=cold_night + PERIOD)
        monkeypatch.setattr(flows.run, "night_number", lambda: night)
        server.requests.clear()
        warm = ingest(listing, _settings(db))
        assert warm.count("unchanged") == 6 and warm.downloads == 0
        due_files = {
            f"/col/{s}.pdf" for s in SLUGS[:6] if due(server.url(f"/col/{s}.pdf"), night, PERIOD)
        }
        assert sorted(server.requests) == sorted(["/col/index.html", *due_files])
        server.requests.clear()
        again = ingest(listing, _settings(db))  # the same night again: asked already
        assert again.count("unchanged") == 6 and server.requests == ["/col/index.html"]

        # A new item at the top, and a known one retitled: of the items, only their pages
        # are asked.
        publish(
            server,
            [
                *_items(SLUGS[6:7]),
                *_items(first[:1], "2023年度政府信息公开年报（更正）"),
                *_items(first[1:]),
            ],
            _second_page(server, later),
        )
        server.requests.clear()
        third = ingest(listing, _settings(db))
        assert third.count("loaded") == 1 and third.count("unchanged") == 6
        pages = {p for p in server.requests if p.endswith(".html")}
        # page one lists something new, so the next listing page is walked (its items known)
        news = {f"/col/{SLUGS[6]}.html", f"/col/{first[0]}.html"}
        assert pages == {"/col/index.html", "/col/index_1.html", *news}

        # The portal's full-walk night: every page of the column is asked again.
        walk_night = _night(listing, walk=True, after=night)
        monkeypatch.setattr(flows.run, "night_number", lambda: walk_night)
        server.requests.clear()
        ingest(listing, _settings(db))
        pages = {p for p in server.requests if p.endswith(".html")}
        assert "/col/index_1.html" in pages and {f"/col/{s}.html" for s in later} <= pages


def test_a_walk_stopped_at_the_page_limit_is_walked_again_the_next_night(
    prefect_harness: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The column was not seen whole: the next night walks it again (every detail page the
    limit left unasked is asked), rather than wait a period for its night of the rotation."""
    db = tmp_path / "w.duckdb"
    with srv.fault_server("127.0.1.4") as server:
        listing = publish(server, _items(SLUGS[:4]), _second_page(server, SLUGS[4:6]))
        details = {f"/col/{s}.html" for s in SLUGS[:6]}
        night = _night(listing, walk=True, after=3001)  # its walk night: a walk, then none due
        monkeypatch.setattr(flows.run, "night_number", lambda: night)
        limited = ingest(listing, _settings(db, max_crawl_pages=5))
        assert limited.page_limit_reached
        unasked = details - set(server.requests)
        assert unasked

        monkeypatch.setattr(flows.run, "night_number", lambda: night + 1)
        server.requests.clear()
        ingest(listing, _settings(db))
        assert unasked <= set(server.requests)


def test_each_known_file_is_due_once_in_its_period_and_files_spread_over_it() -> None:
    urls = [f"http://127.0.1.1/col/{n}.pdf" for n in range(700)]
    for url in urls[:50]:
        assert sum(due(url, night, PERIOD) for night in range(5000, 5000 + PERIOD)) == 1
    tonight = sum(due(url, 5000, PERIOD) for url in urls)
    assert 60 <= tonight <= 140  # ~100: a seventh of them
    assert all(due(url, 5000, 1) for url in urls[:10])


def test_nothing_is_due_within_a_period_of_its_last_asking() -> None:
    urls = [f"http://127.0.1.1/col/{n}.pdf" for n in range(200)]
    for url in urls:
        asked = [n for n in range(5000, 5000 + 3 * PERIOD) if due(url, n, PERIOD, last=5000)]
        assert asked and asked[0] >= 5000 + PERIOD  # not before a period has passed
        assert all(b - a == PERIOD for a, b in zip(asked, asked[1:], strict=False))
    assert all(due(url, 5001, 1, last=5001) for url in urls[:10])  # a period of 1: every run
