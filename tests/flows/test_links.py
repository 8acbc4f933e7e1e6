"""The crawl's links handed to the downloads as they are found (flows/links.py)."""

from __future__ import annotations

import threading
import time

from flows.links import LinkFeed
from nianbao.records import ReportLink


def _links(*names: str) -> list[ReportLink]:
    return [ReportLink(f"http://127.0.0.1/{n}.pdf", "http://127.0.0.1/", n) for n in names]


def _later(seconds: float, work) -> threading.Thread:  # type: ignore[no-untyped-def]
    thread = threading.Thread(target=lambda: (time.sleep(seconds), work()), daemon=True)
    thread.start()
    return thread


def _names(batch: list[str]) -> list[str]:
    return [url.rsplit("/", 1)[1].removesuffix(".pdf") for url in batch]


def test_links_are_given_as_found_while_the_crawl_goes_on_until_it_ends() -> None:
    feed = LinkFeed()
    feed.add(_links("a", "b"), "127.0.1.1")
    given = feed.each()
    assert [next(given), next(given)] == ["http://127.0.0.1/a.pdf", "http://127.0.0.1/b.pdf"]
    _later(0.2, lambda: feed.add(_links("c"), "127.0.1.2"))
    assert next(given) == "http://127.0.0.1/c.pdf"  # waited for it
    _later(0.2, feed.close)
    assert list(given) == []  # the crawl ended: nothing more


def test_a_night_with_no_links_gives_none() -> None:
    feed = LinkFeed()
    _later(0.1, feed.close)
    assert list(feed.each()) == []


def test_a_file_two_portals_list_is_fetched_once_from_the_first_host_to_find_it() -> None:
    feed = LinkFeed()
    feed.add(_links("a", "b"), "127.0.1.1")
    feed.add(_links("b", "c"), "127.0.1.2")
    feed.close()
    assert len(feed) == 3 and list(feed.each()) == [f"http://127.0.0.1/{n}.pdf" for n in "abc"]
    assert [feed.host_of(f"http://127.0.0.1/{n}.pdf") for n in "abc"] == [
        "127.0.1.1",
        "127.0.1.1",
        "127.0.1.2",
    ]


def test_counting_stops_once_there_are_enough_the_crawl_has_ended_or_patience_is_out() -> None:
    feed = LinkFeed()
    feed.add(_links("a", "old", "b"), "127.0.1.1")
    new = lambda url: "old" not in url  # noqa: E731
    _later(0.2, lambda: feed.add(_links("c", "d"), "127.0.1.1"))  # then the crawl goes on
    # waits for the third, not the crawl's end
    assert feed.count_until(new, enough=3, patience=60) == (3, False)
    started = time.monotonic()
    assert feed.count_until(new, enough=10, patience=0.3) == (4, False)  # a slow crawl
    assert 0.25 <= time.monotonic() - started < 2
    _later(0.2, feed.close)
    assert feed.count_until(new, enough=10, patience=60) == (4, True)  # ended with four
