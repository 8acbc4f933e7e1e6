"""One attachment, fetched and read: what a worker does for each file of a run."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

import httpx

from extract.fetch import fetch_report
from extract.report import extract_report
from nianbao.errors import TerminalError
from nianbao.records import CachedFetch, FetchedFile, FetchFailure, FileResult


def read_file(
    client: httpx.Client,
    url: str,
    raw_dir: Path,
    known: Collection[str],
    cached: CachedFetch | None = None,
) -> FileResult:
    """Fetch `url` (conditionally, given `cached`) and extract its tables; a file recorded
    before is not read again.

    Terminal problems (dead link, not a PDF, unreadable, unknown layout) come back as the
    result's `reason`; transient ones (network, 5xx) are raised for the caller to retry.
    """
    source = fetch_report(client, url, raw_dir, cached)
    if source.report_id in known:
        return FileResult(url, source, known=True)
    if isinstance(source, FetchFailure):
        return FileResult(url, source, reason=source.reason)
    return read_fetched(source)


def read_fetched(source: FetchedFile) -> FileResult:
    """Extract the tables of a downloaded file (the CPU-heavy part, fit for a worker process)."""
    try:
        return FileResult(source.url, source, report=extract_report(source.path))
    except TerminalError as err:
        return FileResult(source.url, source, reason=err.reason)
