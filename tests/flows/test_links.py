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


def test_a_full_batch_goes_at_once_while_the_crawl_goes_on() -> None:
    feed = LinkFeed()
    feed.add(_links(*"abcde"), "127.0.0.1")
    batches = feed.batches(size=3, fetched_before=set(), linger=60)
    batch, last = next(batches)
    assert _names(batch) == ["a", "b", "c"] and not last  # the crawl has not ended
    _later(0.2, lambda: (feed.add(_links("f"), "127.0.0.1"), feed.close()))
    assert [(_names(b), last) for b, last in batches] == [(["d", "e", "f"], True)]


def test_links_fetched_before_ride_along_without_counting() -> None:
    """A warm night's known files (a conditional GET at most) are one batch, not one per
    12; among new ones, a batch still holds 12 never fetched."""
    feed = LinkFeed()
    urls = [f"http://127.0.0.1/{n}.pdf" for n in range(100)]
    feed.add([ReportLink(u, "", "") for u in urls], "127.0.0.1")
    feed.close()
    known = set(urls[::2])  # every other URL fetched before
    mixed = [b for b, _ in feed.batches(12, known, linger=60)]
    assert [sum(u not in known for u in b) for b in mixed] == [12, 12, 12, 12, 2]
    assert [u for b in mixed for u in b] == urls
    assert [b for b, _ in feed.batches(12, set(urls), linger=60)] == [urls]


def test_the_last_links_of_fast_hosts_do_not_wait_for_a_slow_crawl() -> None:
    """Fewer than a batch found, the crawl going on (a slow host): they go once the first of
    them has waited `linger`, long before the crawl ends."""
    feed = LinkFeed()
    feed.add(_links("a", "b"), "127.0.1.1")
    crawl_ends = _later(5, feed.close)
    started = time.monotonic()
    batch, last = next(feed.batches(size=12, fetched_before=set(), linger=0.3))
    assert _names(batch) == ["a", "b"] and not last
    assert 0.25 <= time.monotonic() - started < 2 and crawl_ends.is_alive()


def test_unpaced_every_link_goes_in_one_batch_once_the_crawl_has_ended() -> None:
    feed = LinkFeed()
    feed.add(_links("a"), "127.0.1.1")
    _later(0.3, lambda: (feed.add(_links("b"), "127.0.1.2"), feed.close()))
    assert [(_names(b), last) for b, last in feed.batches(float("inf"), set(), None)] == [
        (["a", "b"], True)
    ]


def test_a_night_with_no_links_has_no_batch() -> None:
    feed = LinkFeed()
    _later(0.1, feed.close)
    assert list(feed.batches(12, set(), linger=60)) == []


def test_a_file_two_portals_list_is_fetched_once_from_the_first_host_to_find_it() -> None:
    feed = LinkFeed()
    feed.add(_links("a", "b"), "127.0.1.1")
    feed.add(_links("b", "c"), "127.0.1.2")
    feed.close()
    assert len(feed) == 3
    assert feed.hosts_of(
        ["http://127.0.0.1/a.pdf", "http://127.0.0.1/b.pdf", "http://127.0.0.1/c.pdf"]
    ) == {
        "http://127.0.0.1/a.pdf": "127.0.1.1",
        "http://127.0.0.1/b.pdf": "127.0.1.1",
        "http://127.0.0.1/c.pdf": "127.0.1.2",
    }


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


def test_the_hosts_a_batch_is_fetched_from_are_a_copy_the_crawl_does_not_change() -> None:
    """A download task's parameters hold them while the crawl goes on adding links (Prefect
    walks a task's parameters: a dict growing meanwhile failed a night of 1,000 reports)."""
    feed = LinkFeed()
    feed.add(_links("a"), "127.0.1.1")
    hosts = feed.hosts_of(["http://127.0.0.1/a.pdf"])
    feed.add(_links(*"bcdefgh"), "127.0.1.2")
    assert hosts == {"http://127.0.0.1/a.pdf": "127.0.1.1"}
