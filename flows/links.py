"""The night's report links, handed from the crawl to the downloads as they are found: a host's
files are downloaded and read while other hosts are still crawled, so that a slow or large
column holds up no other portal's reports (the crawl once ended before any file was asked)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Container, Iterable, Iterator

from nianbao.records import ReportLink


class LinkFeed:
    """Report URLs in the order the crawl finds them, each once (two portals may list one
    file: the first to find it names the host it is fetched from), until the crawl `close`s
    it. Filled from the crawl's threads, taken from the downloads' one."""

    def __init__(self) -> None:
        self._hosts: dict[str, str] = {}  # URL → the host it may be fetched from
        self._urls: list[str] = []
        self._found_at: list[float] = []  # when each URL was found (time.monotonic)
        self._closed = False
        self._changed = threading.Condition()

    def add(self, links: Iterable[ReportLink], host: str) -> None:
        """Links a portal's crawl found on `host`'s pages."""
        with self._changed:
            for link in links:
                if link.url not in self._hosts:
                    self._hosts[link.url] = host
                    self._urls.append(link.url)
                    self._found_at.append(time.monotonic())
            self._changed.notify_all()

    def close(self) -> None:
        """The crawl has ended: no more links come."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()

    def __len__(self) -> int:
        return len(self._urls)

    def hosts_of(self, urls: Iterable[str]) -> dict[str, str]:
        """The host each of `urls` (found) may be fetched from: a copy, which a task's
        parameters may hold (Prefect walks them while the crawl adds to the feed)."""
        with self._changed:
            return {url: self._hosts[url] for url in urls}

    def count_until(
        self, counted: Callable[[str], bool], enough: int, patience: float
    ) -> tuple[int, bool]:
        """How many URLs found are `counted`, once `enough` of them are, the crawl has ended
        or `patience` seconds have passed, whichever comes first; and whether the crawl has
        ended (the count is then the night's). For a decision that needs only to know
        whether there are a few, and waits for no slow column to end."""
        seen = count = 0
        deadline = time.monotonic() + patience
        with self._changed:
            while True:
                while seen < len(self._urls) and count < enough:
                    count += counted(self._urls[seen])
                    seen += 1
                ended = self._closed and seen == len(self._urls)
                left = deadline - time.monotonic()
                if count >= enough or ended or left <= 0:
                    return count, ended
                self._changed.wait(left)

    def batches(
        self, size: float, fetched_before: Container[str], linger: float | None
    ) -> Iterator[tuple[list[str], bool]]:
        """The URLs in download batches as they are found, each with whether it is the last:
        a batch holds `size` URLs never fetched (one fetched before, a conditional GET at
        most, rides along uncounted), or fewer once the crawl has ended or the first of them
        has waited `linger` seconds for the rest (the last links of fast hosts do not wait
        for a slow host's crawl; None: they do). Ends once the crawl has ended and every URL
        is taken; a batch cut while the crawl went on is not known to be the last."""
        taken = 0
        while True:
            with self._changed:
                cut = self._cut_when_due(taken, size, fetched_before, linger)
                last = self._closed and cut == len(self._urls)
            if cut == taken:
                return
            yield self._urls[taken:cut], last
            taken = cut

    def _cut_when_due(
        self, taken: int, size: float, fetched_before: Container[str], linger: float | None
    ) -> int:
        """Where the batch starting at `taken` ends, waiting until it is due (the lock held)."""
        scanned, new = taken, 0
        while True:
            while scanned < len(self._urls) and new < size:
                new += self._urls[scanned] not in fetched_before
                scanned += 1
            if new >= size:  # full: the URLs fetched before found after it ride along
                while scanned < len(self._urls) and self._urls[scanned] in fetched_before:
                    scanned += 1
                return scanned
            if self._closed:
                return len(self._urls)
            left = None  # until more links come, or the crawl ends
            if taken < len(self._urls) and linger is not None:
                left = self._found_at[taken] + linger - time.monotonic()
                if left <= 0:
                    return len(self._urls)
            self._changed.wait(left)
