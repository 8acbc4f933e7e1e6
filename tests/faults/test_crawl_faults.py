"""The crawl under faults: links resolve where the listing really is, a bad link or page is a
skipped item with its reason, a listing that is not the portal's stops only that portal, and a
crawl cut short by its page limit says so."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from extract.crawl import crawl_portal
from extract.http import Limits
from extract.polite import Politeness, polite_client
from nianbao.errors import EnvironmentBroken
from tests.faults import server as srv

LIMITS = Limits(deadline_seconds=2, attempts=2, backoff_seconds=0.01)
REPORT = "2023年度政府信息公开工作年度报告"


@pytest.fixture()
def portal() -> Iterator[srv.FaultServer]:
    with srv.fault_server() as server:
        yield server


def _crawl(server: srv.FaultServer, path: str, max_pages: int = 50):
    with polite_client(Politeness("t", 0, False, 5, 2)) as client:
        return crawl_portal(client, server.url(path), max_pages, None, LIMITS)


def _listing(*items: tuple[str, str]) -> str:
    return "".join(f'<li><a href="{href}">{title}</a></li>' for href, title in items)


def test_links_resolve_against_the_listing_the_redirect_led_to(portal) -> None:
    portal.routes["/col"] = srv.redirect("/col/")
    portal.routes["/col/"] = srv.page(_listing(("t1.html", REPORT)))
    portal.routes["/col/t1.html"] = srv.page('<a href="a.pdf">附件</a>')
    found = _crawl(portal, "/col")
    assert [link.url for link in found.links] == [portal.url("/col/a.pdf")]


def test_a_malformed_link_is_a_skipped_item_and_the_rest_is_crawled(portal) -> None:
    portal.routes["/col/index.html"] = srv.page(
        _listing(("http://[bad/x.html", REPORT), ("t1.html", REPORT))
    )
    portal.routes["/col/t1.html"] = srv.page('<a href="a.pdf">附件</a>')
    found = _crawl(portal, "/col/index.html")
    assert len(found.links) == 1
    (skip,) = found.skipped_items
    assert skip.url == "http://[bad/x.html" and "malformed link" in skip.reason


def test_a_detail_page_in_a_redirect_loop_is_skipped_with_its_reason(portal) -> None:
    portal.routes["/col/index.html"] = srv.page(
        _listing(("t1.html", REPORT), ("t2.html", "2022年度政府信息公开工作年度报告"))
    )
    portal.routes["/col/t1.html"] = srv.redirect("/col/t1b.html")
    portal.routes["/col/t1b.html"] = srv.redirect("/col/t1.html")
    portal.routes["/col/t2.html"] = srv.page('<a href="b.pdf">附件</a>')
    found = _crawl(portal, "/col/index.html")
    assert [link.url for link in found.links] == [portal.url("/col/b.pdf")]
    assert any("redirect loop" in s.reason for s in found.skipped_items)


def test_a_detail_page_failing_with_5xx_is_skipped_not_fatal(portal) -> None:
    portal.routes["/col/index.html"] = srv.page(_listing(("t1.html", REPORT)))
    portal.routes["/col/t1.html"] = srv.status(503)
    found = _crawl(portal, "/col/index.html")
    assert found.links == () and "next run" in found.skipped_items[0].reason


def test_a_listing_redirected_to_another_host_is_not_crawled(portal) -> None:
    with srv.fault_server("127.0.0.2") as foreign:
        foreign.routes["/col/index.html"] = srv.page(_listing(("t1.html", REPORT)))
        portal.routes["/col/index.html"] = srv.redirect(foreign.url("/col/index.html"))
        with pytest.raises(EnvironmentBroken, match="not followed"):
            _crawl(portal, "/col/index.html")
        assert foreign.hits("/col/index.html") == 0


def test_a_listing_in_a_redirect_loop_stops_that_portal_with_a_reason(portal) -> None:
    portal.routes["/col/index.html"] = srv.redirect("/col/index.html?again")
    with pytest.raises(EnvironmentBroken, match="redirect loop"):
        _crawl(portal, "/col/index.html")


def test_a_crawl_that_reaches_its_page_limit_says_so(portal) -> None:
    portal.routes["/col/index.html"] = srv.page(
        _listing(("t1.html", REPORT), ("index_1.html", "下一页"))
    )
    portal.routes["/col/index_1.html"] = srv.page(_listing(("t2.html", REPORT)))
    portal.routes["/col/t1.html"] = srv.page('<a href="a.pdf">附件</a>')
    portal.routes["/col/t2.html"] = srv.page('<a href="b.pdf">附件</a>')
    assert _crawl(portal, "/col/index.html", max_pages=2).page_limit_reached
    assert not _crawl(portal, "/col/index.html", max_pages=50).page_limit_reached


def test_robots_txt_answering_5xx_disallows_the_host_for_now(portal) -> None:
    portal.routes["/robots.txt"] = srv.status(503)
    portal.routes["/col/index.html"] = srv.page(_listing(("t1.html", REPORT)))
    with (
        polite_client(Politeness("t", 0, True, 5, 2)) as client,
        pytest.raises(EnvironmentBroken, match=r"robots\.txt \(HTTP 503"),
    ):
        crawl_portal(client, portal.url("/col/index.html"), 10, None, LIMITS)
    assert portal.hits("/col/index.html") == 0


def test_robots_txt_missing_allows_everything(portal) -> None:
    portal.routes["/col/index.html"] = srv.page(_listing(("t1.html", REPORT)))
    portal.routes["/col/t1.html"] = srv.page('<a href="a.pdf">附件</a>')
    with polite_client(Politeness("t", 0, True, 5, 2)) as client:
        found = crawl_portal(client, portal.url("/col/index.html"), 10, None, LIMITS)
    assert len(found.links) == 1
