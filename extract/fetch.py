"""Download one attachment to a content-addressed file under the raw folder."""

from __future__ import annotations

import hashlib
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import httpx

from extract.polite import DisallowedByRobots
from nianbao.errors import TransientError
from nianbao.records import CachedFetch, FetchedFile, FetchFailure


def _conditional_headers(cached: CachedFetch | None) -> dict[str, str]:
    if cached is None:
        return {}
    headers = {}
    if cached.etag:
        headers["If-None-Match"] = cached.etag
    if cached.last_modified:
        headers["If-Modified-Since"] = cached.last_modified
    return headers


def fetch_report(
    client: httpx.Client, url: str, raw_dir: Path, cached: CachedFetch | None = None
) -> FetchedFile | FetchFailure:
    """Stream `url` to `raw_dir/<sha256>.pdf`; a 4xx becomes a FetchFailure, a 5xx is transient.

    With what the last run learnt of the URL (ETag, Last-Modified) the GET is conditional: a
    304 downloads nothing and stands for the file seen before.
    """
    raw_dir.mkdir(parents=True, exist_ok=True)
    fetched_at = datetime.now(UTC)
    digest = hashlib.sha256()
    fd, tmp_name = tempfile.mkstemp(dir=raw_dir, suffix=".part")
    try:
        with (
            os.fdopen(fd, "wb") as out,
            client.stream("GET", url, headers=_conditional_headers(cached)) as response,
        ):
            if response.status_code == 304 and cached is not None:
                path = raw_dir / f"{cached.sha256}.pdf"
                size = path.stat().st_size if path.exists() else 0
                return FetchedFile(
                    url,
                    cached.sha256,
                    str(path),
                    size,
                    "",
                    fetched_at,
                    cached.etag,
                    cached.last_modified,
                    not_modified=True,
                )
            if response.status_code >= 500:
                raise TransientError(f"{url}: HTTP {response.status_code}")
            if response.status_code >= 400:
                return FetchFailure(
                    url, f"dead link: HTTP {response.status_code} for {url}", fetched_at
                )
            content_type = response.headers.get("content-type", "")
            etag = response.headers.get("etag", "")
            last_modified = response.headers.get("last-modified", "")
            for chunk in response.iter_bytes():
                digest.update(chunk)
                out.write(chunk)
        sha256 = digest.hexdigest()
        final = raw_dir / f"{sha256}.pdf"
        os.replace(tmp_name, final)
        size = final.stat().st_size
        return FetchedFile(
            url, sha256, str(final), size, content_type, fetched_at, etag, last_modified
        )
    except DisallowedByRobots as err:
        return FetchFailure(url, err.reason, fetched_at)
    except httpx.TransportError as err:
        raise TransientError(f"{url}: {err.__class__.__name__}: {err}") from err
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
