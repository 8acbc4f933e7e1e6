"""Download one attachment to a content-addressed file under the raw folder."""

from __future__ import annotations

import hashlib
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import httpx

from nianbao.errors import TransientError
from nianbao.records import FetchedFile, FetchFailure


def fetch_report(client: httpx.Client, url: str, raw_dir: Path) -> FetchedFile | FetchFailure:
    """Stream `url` to `raw_dir/<sha256>.pdf`; a 4xx becomes a FetchFailure, a 5xx is transient."""
    raw_dir.mkdir(parents=True, exist_ok=True)
    fetched_at = datetime.now(UTC)
    digest = hashlib.sha256()
    fd, tmp_name = tempfile.mkstemp(dir=raw_dir, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out, client.stream("GET", url) as response:
            if response.status_code >= 500:
                raise TransientError(f"{url}: HTTP {response.status_code}")
            if response.status_code >= 400:
                return FetchFailure(
                    url, f"dead link: HTTP {response.status_code} for {url}", fetched_at
                )
            content_type = response.headers.get("content-type", "")
            for chunk in response.iter_bytes():
                digest.update(chunk)
                out.write(chunk)
        sha256 = digest.hexdigest()
        final = raw_dir / f"{sha256}.pdf"
        os.replace(tmp_name, final)
        return FetchedFile(url, sha256, str(final), final.stat().st_size, content_type, fetched_at)
    except httpx.TransportError as err:
        raise TransientError(f"{url}: {err.__class__.__name__}: {err}") from err
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
