"""Crawling the portals and downloading their files: every host at once (up to
`hosts_at_once`, a thread each, most of its time waiting for its pace), each at its own pace,
with at most `open_requests` requests open over them all."""

from __future__ import annotations

import hashlib
import threading
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import chain, zip_longest
from typing import TypeVar

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from extract import crawl_portal, fetch_report
from extract.fetch import remembered
from extract.http import Limits
from extract.polite import Politeness
from flows.links import LinkFeed
from flows.run import Run
from nianbao.errors import EnvironmentBroken, TerminalError, TransientError
from nianbao.records import (
    CachedFetch,
    CrawledItem,
    CrawlResult,
    FetchedFile,
    FetchFailure,
    ReportLink,
    SkippedItem,
)
from nianbao.settings import Settings
from nianbao.sources import Portal

T = TypeVar("T")
R = TypeVar("R")


def politeness(settings: Settings, portals: Iterable[Portal] = ()) -> Politeness:
    """The run's pace per host (a portal's own rate over the settings') and robots.txt
    rules, shared by every client it opens."""
    return Politeness(
        settings.user_agent,
        settings.rate_per_second,
        settings.respect_robots,
        settings.http_timeout_seconds,
        settings.request_deadline_seconds,
        {p.host: p.rate_per_second for p in portals if p.rate_per_second is not None},
        settings.open_requests,
    )


def limits(settings: Settings) -> Limits:
    return Limits(
        deadline_seconds=settings.request_deadline_seconds,
        max_bytes=settings.max_download_bytes,
        attempts=settings.fetch_attempts,
        backoff_seconds=settings.retry_backoff_seconds,
        max_wait_seconds=settings.max_retry_after_seconds,
    )


@dataclass(frozen=True)
class Crawled:
    """A night's crawl: every portal's report links and skipped items (`found`), and what
    the next nights remember of it: the detail pages read (`found.items`) and the columns
    walked whole (`walked`)."""

    found: CrawlResult
    walked: tuple[str, ...]


@task(name="crawl", cache_policy=NO_CACHE)
def crawl(
    run: Run, known: Mapping[str, CrawledItem], walked: Mapping[str, int], feed: LinkFeed
) -> Crawled:
    """Every portal's report links, all hosts at once, each link handed to `feed` as it is
    found (downloads take them while the crawl goes on); `known` and `walked`: what earlier
    nights read (detail pages, and when each column was last walked whole). Every page is
    tried again while it fails transiently; a portal whose listing still fails is a skipped
    item saying so, and the night goes on; when no portal can be crawled, the run cannot
    work. The feed is closed when the crawl ends, however it ends."""
    try:
        return _crawled(run, known, walked, feed)
    finally:
        feed.close()


def _crawled(
    run: Run, known: Mapping[str, CrawledItem], walked: Mapping[str, int], feed: LinkFeed
) -> Crawled:
    settings = run.settings
    logger = get_run_logger()
    walks = {  # tonight's full walks: a column never walked, or on its night of the rotation
        p.listing
        for p in run.portals
        if p.listing not in walked
        or due(p.listing, run.night, settings.full_walk_days, walked[p.listing])
    }

    def one(portal: Portal) -> CrawlResult | Exception:
        try:
            return listed(portal)
        except (TransientError, TerminalError, EnvironmentBroken) as err:
            return err
        finally:
            run.progress.advance("crawl")

    def listed(portal: Portal) -> CrawlResult:
        walk = portal.listing in walks
        return crawl_portal(
            run.client,
            portal.listing,
            settings.max_crawl_pages,
            portal.host,
            limits(settings),
            None if walk else known,
            portal.adapter,
            on_page=lambda: run.progress.advance("pages"),
            on_links=lambda links: feed.add(links, portal.host),
        )

    run.progress.start("crawl", len(run.portals))
    run.progress.start("pages", 0)  # pages asked, as they are: how many is not known
    found = _each_host(one, run.portals, settings.hosts_at_once)
    failed = [(p, r) for p, r in zip(run.portals, found, strict=True) if isinstance(r, Exception)]
    if len(failed) == len(run.portals):
        portal, err = failed[0]
        if isinstance(err, TransientError):
            raise EnvironmentBroken(f"portal unreachable after retries: {err}") from err
        raise err
    crawled = [
        (p, r) for p, r in zip(run.portals, found, strict=True) if isinstance(r, CrawlResult)
    ]
    for portal, result in crawled:
        logger.info(
            "crawl: %d report file(s) on %d page(s) of %s",
            len(result.links),
            result.pages_visited,
            portal.listing,
        )
        if result.page_limit_reached:
            logger.warning(
                "crawl of %s stopped at its limit of %d pages (NIANBAO_MAX_CRAWL_PAGES): "
                "the column was not seen whole",
                portal.listing,
                settings.max_crawl_pages,
            )
    for portal, err in failed:
        logger.error("portal %s not crawled tonight: %s", portal.name, err)
    # a walk stopped at NIANBAO_MAX_CRAWL_PAGES did not see the column whole: walked again
    # tomorrow rather than a period on
    whole = [p.listing for p, r in crawled if p.listing in walks and not r.page_limit_reached]
    return Crawled(_merged(crawled, failed), tuple(whole))


def remember(run: Run, crawled: Crawled) -> None:
    """What tonight's crawl saw, in the run's warehouse: its skipped items, and for the next
    nights the detail pages it read and the columns it walked whole."""
    found = crawled.found
    run.store.record_skips(run.run_id, run.source, list(found.skipped_items))
    run.store.remember_items(list(found.items))
    run.store.remember_walks(list(crawled.walked), run.night)


def due(key: str, night: int, period: int, last: int | None = None) -> bool:
    """Whether `key` (a URL) is due on `night` in a rotation of `period` nights: once in
    every `period` consecutive nights, the night set by the key's hash, so that a portal's
    files (or many portals' walks) spread over the period rather than fall on one night; and
    never within `period` nights of `last`, the night it was last asked (a file first fetched
    on a cold night is not asked again the night after). A period of 1: every run."""
    if period <= 1:
        return True
    if last is not None and night - last < period:
        return False
    offset = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")
    return (night + offset) % period == 0


def _merged(
    crawled: list[tuple[Portal, CrawlResult]], failed: list[tuple[Portal, Exception]]
) -> CrawlResult:
    """One night's crawl: the links of every portal, taken in turn from each (the run
    summary's order), and a portal not crawled as a skipped item."""
    lists = [result.links for _, result in crawled]
    turns = (x for x in chain.from_iterable(zip_longest(*lists)) if x is not None)
    first: dict[str, ReportLink] = {}  # two portals may list one file: fetched once
    for link in turns:
        first.setdefault(link.url, link)
    links = tuple(first.values())
    not_crawled = tuple(
        SkippedItem(portal.listing, portal.name, f"portal not crawled tonight: {_reason(err)}")
        for portal, err in failed
    )
    return CrawlResult(
        links,
        sum(r.pages_visited for _, r in crawled),
        tuple(s for _, r in crawled for s in r.skipped_items) + not_crawled,
        any(r.page_limit_reached for _, r in crawled),
        items=tuple(item for _, r in crawled for item in r.items),
    )


def _reason(err: Exception) -> str:
    return str(getattr(err, "reason", "") or err)


Arrived = Callable[[FetchedFile | FetchFailure], None]


@task(name="download", cache_policy=NO_CACHE)
def download(run: Run, feed: LinkFeed, cache: dict[str, CachedFetch], arrived: Arrived) -> None:
    """Every link of `feed` downloaded as the crawl finds it, each result handed to `arrived`
    as it comes: what changed (conditional GETs: a 304 downloads nothing; a known file rests
    on the nights not its own), each host's files one after another at its pace in a thread
    of its own, every host at once, so that a slow host holds up no other. A URL that fails
    is a FetchFailure with its reason, never the night's end."""
    period, folder = run.settings.revalidate_days, run.settings.raw_folder
    lines = _HostLines(run, cache, arrived)
    with ThreadPoolExecutor(max_workers=max(1, run.settings.hosts_at_once)) as threads:
        for url in feed.each():
            if lines.broken:
                break  # the night has failed: the rest would be for nothing
            cached = cache.get(url)
            if cached is not None and not due(url, run.night, period, cached.checked_on):
                arrived(remembered(url, folder, cached))  # asked again on its night
                run.progress.advance("download")
            else:
                lines.add(url, feed.host_of(url), threads)
    lines.raise_failure()


class _HostLines:
    """Each host's URLs waiting, downloaded one after another by a thread of the host's own
    while it has any; a host failing `host_failures_in_a_row` times in a row (transient
    failures, after their retries) rests for the night, its other files not asked."""

    def __init__(self, run: Run, cache: dict[str, CachedFetch], arrived: Arrived) -> None:
        self._run, self._cache, self._arrived = run, cache, arrived
        self._limits = limits(run.settings)
        self._waiting: dict[str, deque[str]] = {}
        self._failing: dict[str, int] = {}
        self._busy: set[str] = set()  # hosts whose thread is downloading
        self._broken: BaseException | None = None  # what stopped a thread (not a FetchFailure)
        self._lock = threading.Lock()

    def add(self, url: str, host: str, threads: ThreadPoolExecutor) -> None:
        with self._lock:
            self._waiting.setdefault(host, deque()).append(url)
            if host in self._busy:
                return
            self._busy.add(host)
        threads.submit(self._drain, host)

    def _drain(self, host: str) -> None:
        try:
            while (url := self._next(host)) is not None:
                self._arrived(self._fetched(url, host))
                self._run.progress.advance("download")
        except BaseException as err:  # a full disk, a bug: the night's failure, not a file's
            with self._lock:
                self._broken = self._broken or err
                self._busy.discard(host)

    def _next(self, host: str) -> str | None:
        with self._lock:
            line = self._waiting[host]
            if line and self._broken is None:
                return line.popleft()
            self._busy.discard(host)
            return None

    def _fetched(self, url: str, host: str) -> FetchedFile | FetchFailure:
        failing = self._failing.get(host, 0)
        if failing >= self._run.settings.host_failures_in_a_row:
            return _rested(url, host, failing)
        run = self._run
        result = fetch_report(
            run.client, url, run.settings.raw_folder, self._cache.get(url), host, self._limits
        )
        transient = isinstance(result, FetchFailure) and result.transient
        self._failing[host] = failing + 1 if transient else 0  # only this host's thread writes
        return result

    @property
    def broken(self) -> bool:
        return self._broken is not None

    def raise_failure(self) -> None:
        """Once every thread has ended: what stopped one, raised."""
        if self._broken is not None:
            raise self._broken


def _rested(url: str, host: str, failures: int) -> FetchFailure:
    """A file not asked tonight: its host failed too often in a row (a circuit open), and
    asking on would only load a struggling server."""
    reason = (
        f"not asked: {host} failed {failures} times in a row tonight, so it was left to rest "
        "(tried again next run)"
    )
    return FetchFailure(url, reason, datetime.now(UTC), transient=True)


def _each_host(work: Callable[[T], R], items: list[T] | tuple[T, ...], at_once: int) -> list[R]:
    """`work` on every item, up to `at_once` at the same time (one per host: each host keeps
    its own pace, and a slow one holds up no other); results in the items' order. A host's
    thread mostly waits for its next slot (0.5 s at 2 requests a second), so the threads are
    many and the requests they have open at once are capped by the client (`open_requests`):
    16 hosts at once spent a night of 100 portals waiting, 39 s of crawl for 6 s of pace."""
    if len(items) <= 1:
        return [work(item) for item in items]
    with ThreadPoolExecutor(max_workers=max(1, min(at_once, len(items)))) as pool:
        return list(pool.map(work, items))
