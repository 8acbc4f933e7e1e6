"""The night's report links, handed from the crawl to the downloads as they are found: a host's
files are downloaded and read while other hosts are still crawled, so that a slow or large
column holds up no other portal's reports (the crawl once ended before any file was asked)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator

from nianbao.records import ReportLink


class LinkFeed:
    """Report URLs in the order the crawl finds them, each once (two portals may list one
    file: the first to find it names the host it is fetched from), until the crawl `close`s
    it. Filled from the crawl's threads, taken from the downloads' one."""

    def __init__(self) -> None:
        self._hosts: dict[str, str] = {}  # URL → the host it may be fetched from
        self._urls: list[str] = []
        self._closed = False
        self._changed = threading.Condition()

    def add(self, links: Iterable[ReportLink], host: str) -> None:
        """Links a portal's crawl found on `host`'s pages."""
        with self._changed:
            for link in links:
                if link.url not in self._hosts:
                    self._hosts[link.url] = host
                    self._urls.append(link.url)
            self._changed.notify_all()

    def close(self) -> None:
        """The crawl has ended: no more links come."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()

    def __len__(self) -> int:
        return len(self._urls)

    def host_of(self, url: str) -> str:
        """The host a URL found may be fetched from."""
        with self._changed:
            return self._hosts[url]

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

    def each(self) -> Iterator[str]:
        """The URLs as they are found, waiting for more while the crawl goes on; ends once
        the crawl has ended and every URL has been given."""
        given = 0
        while True:
            with self._changed:
                while not self._closed and given == len(self._urls):
                    self._changed.wait()
                found = self._urls[given:]
            if not found:
                return
            yield from found
            given += len(found)
