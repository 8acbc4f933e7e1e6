"""Crawling the portal and downloading its files, at the run's pace per host."""

from __future__ import annotations

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from extract import crawl_portal, fetch_report
from extract.http import Limits
from extract.polite import Politeness
from flows.run import Run
from nianbao.errors import EnvironmentBroken, TransientError
from nianbao.records import CachedFetch, CrawlResult, FetchedFile, FetchFailure
from nianbao.settings import Settings


def politeness(settings: Settings) -> Politeness:
    """The run's pace per host and robots.txt rules, shared by every client it opens."""
    return Politeness(
        settings.user_agent,
        settings.rate_per_second,
        settings.respect_robots,
        settings.http_timeout_seconds,
        settings.request_deadline_seconds,
    )


def limits(settings: Settings) -> Limits:
    return Limits(
        deadline_seconds=settings.request_deadline_seconds,
        max_bytes=settings.max_download_bytes,
        attempts=settings.fetch_attempts,
        backoff_seconds=settings.retry_backoff_seconds,
        max_wait_seconds=settings.max_retry_after_seconds,
    )


@task(name="crawl", cache_policy=NO_CACHE)
def crawl(run: Run) -> CrawlResult:
    """The portal's report links; every page is tried again while it fails transiently, and
    a listing that still fails means the portal cannot be crawled tonight."""
    settings = run.settings
    try:
        found = crawl_portal(
            run.client, run.source, settings.max_crawl_pages, run.host, limits(settings)
        )
    except TransientError as err:
        raise EnvironmentBroken(f"portal unreachable after retries: {err}") from err
    logger = get_run_logger()
    logger.info(
        "crawl: %d report file(s) on %d page(s) of %s",
        len(found.links),
        found.pages_visited,
        run.source,
    )
    if found.page_limit_reached:
        logger.warning(
            "crawl stopped at its limit of %d pages (NIANBAO_MAX_CRAWL_PAGES): "
            "the column was not seen whole",
            settings.max_crawl_pages,
        )
    return found


@task(name="fetch", cache_policy=NO_CACHE)
def fetch(
    urls: list[str], run: Run, cache: dict[str, CachedFetch]
) -> list[FetchedFile | FetchFailure]:
    """Download what changed (conditional GETs: a 304 downloads nothing), in the flow's
    process; a URL that fails is a FetchFailure with its reason, never the batch's end."""
    limited, folder = limits(run.settings), run.settings.raw_folder
    return [
        fetch_report(run.client, url, folder, cache.get(url), run.host, limited) for url in urls
    ]
