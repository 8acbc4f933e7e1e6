"""Every listing item is either taken or recorded with why (issue 13): title variants, titles
that leave it to the page, pages that are the report themselves, and pages with nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from extract.crawl import (
    NO_REPORT_ON_PAGE,
    NOT_A_REPORT,
    OFF_HOST,
    SAME_REPORT,
    UNCLEAR_PAGE,
    crawl_portal,
)
from extract.http import Limits
from extract.polite import Politeness, polite_client
from tests.conftest import real_file
from tests.faults import server as srv

LIMITS = Limits(deadline_seconds=2, attempts=1, backoff_seconds=0.01)


@pytest.fixture()
def portal() -> Iterator[srv.FaultServer]:
    with srv.fault_server() as server:
        yield server


def _crawl(server: srv.FaultServer):
    with polite_client(Politeness("t", 0, False, 5, 2)) as client:
        return crawl_portal(client, server.url("/col/index.html"), 50, None, LIMITS)


def _listing(*items: tuple[str, str]) -> srv.Behaviour:
    links = "".join(f'<li><a href="{href}">{title}</a></li>' for href, title in items)
    return srv.page(
        f'<html><head><meta charset="utf-8"></head><body><ul>{links}</ul></body></html>'
    )


def _detail(body: str) -> srv.Behaviour:
    return srv.page(f'<html><head><meta charset="utf-8"></head><body>{body}</body></html>')


def _crawl_one_item(portal: srv.FaultServer, title: str, detail_body: str):
    """A listing of one item titled `title`, whose detail page holds `detail_body`, crawled."""
    portal.routes["/col/index.html"] = _listing(("t1.html", title))
    portal.routes["/col/t1.html"] = _detail(detail_body)
    return _crawl(portal)


@pytest.mark.parametrize(
    "title",
    [
        "2023年度政府信息公开工作报告",
        "云溪市教育局2023年政府信息公开年报",
        "2022年度云溪市水务局政府信息公开工作年度报告",
        "云溪市2023年政务公开工作年度报告",
    ],
)
def test_titles_real_portals_print_are_taken(portal, title: str) -> None:
    found = _crawl_one_item(portal, title, '<a href="a.pdf">附件</a>')
    assert [link.url for link in found.links] == [portal.url("/col/a.pdf")]
    assert found.skipped_items == ()


def test_every_item_not_taken_is_recorded_with_why(portal) -> None:
    portal.routes["/col/index.html"] = _listing(
        ("t1.html", "关于做好2023年度政府信息公开工作年度报告编制工作的通知"),
        ("t2.html", "2023年度报告"),
        ("t3.html", "2023年度政府信息公开工作年度报告"),
        ("notice.pdf", "招标公告"),
    )
    portal.routes["/col/t2.html"] = _detail("<p>年度报告全文见附件</p>")
    portal.routes["/col/t3.html"] = _detail("<p>正在编制中</p>")
    found = _crawl(portal)
    assert found.links == ()
    reasons = {s.url.rsplit("/", 1)[1]: s.reason for s in found.skipped_items}
    assert reasons == {
        "t1.html": NOT_A_REPORT,
        "t2.html": UNCLEAR_PAGE,
        "t3.html": NO_REPORT_ON_PAGE,
        "notice.pdf": NOT_A_REPORT,
    }
    assert portal.hits("/col/t1.html") == 0  # a title that says no is not visited


def test_an_unclear_title_is_taken_when_its_attachment_is_titled_as_a_report(portal) -> None:
    found = _crawl_one_item(
        portal,
        "2023年年报",
        '<a href="r.docx">云溪市2023年政府信息公开工作年度报告.docx</a><a href="x.pdf">附表</a>',
    )
    assert [link.url for link in found.links] == [portal.url("/col/r.docx")]


def test_a_page_printing_the_tables_is_the_report_and_its_pdf_is_not_read_twice(portal) -> None:
    page = (
        real_file("shuyang-fgj-2023")
        .read_text(encoding="utf-8")
        .replace("</body>", '<a href="r.pdf">沭阳县发展和改革局2023年年报.pdf</a></body>')
    )
    portal.routes["/col/index.html"] = _listing(
        ("t1.html", "沭阳县发展和改革局2023年政府信息公开年度报告")
    )
    portal.routes["/col/t1.html"] = srv.page(page)
    found = _crawl(portal)
    assert [link.url for link in found.links] == [portal.url("/col/t1.html")]
    (skip,) = found.skipped_items
    assert skip.url == portal.url("/col/r.pdf") and skip.reason == SAME_REPORT


def test_an_attachment_on_another_host_is_recorded_not_fetched(portal) -> None:
    found = _crawl_one_item(
        portal,
        "2023年度政府信息公开工作年度报告",
        '<a href="a.pdf">附件1</a><a href="http://127.0.1.2:9/files/b.pdf">附件2</a>',
    )
    assert [link.url for link in found.links] == [portal.url("/col/a.pdf")]
    (skip,) = found.skipped_items
    assert skip.url == "http://127.0.1.2:9/files/b.pdf"
    assert skip.reason == OFF_HOST.format(host="127.0.0.1")


def test_each_pages_new_links_are_told_as_the_crawl_goes(portal) -> None:
    """`on_links`: after each page, the report links no page gave before (a link two pages
    give is told once); together, the crawl's links in its order."""
    report = "2023年度政府信息公开工作年度报告"
    portal.routes["/col/index.html"] = _listing(("t1.html", report), ("t2.html", report))
    portal.routes["/col/t1.html"] = _detail('<a href="a.pdf">附件</a><a href="b.pdf">附件</a>')
    portal.routes["/col/t2.html"] = _detail('<a href="b.pdf">附件</a><a href="c.pdf">附件</a>')
    told: list[list[str]] = []
    with polite_client(Politeness("t", 0, False, 5, 2)) as client:
        found = crawl_portal(
            client,
            portal.url("/col/index.html"),
            50,
            None,
            LIMITS,
            on_links=lambda links: told.append([link.url.rsplit("/", 1)[1] for link in links]),
        )
    assert told == [["a.pdf", "b.pdf"], ["c.pdf"]]
    assert [link.url.rsplit("/", 1)[1] for link in found.links] == ["a.pdf", "b.pdf", "c.pdf"]
