"""Download one attachment to a content-addressed file under the raw folder.

Whatever the server does, one URL costs one URL: a failure comes back as a FetchFailure with
its reason (transient ones retried within the run first, then again the next night), never as
an exception that would stop the night. Only the machine itself failing (the raw folder
unwritable, the disk full) stops the run.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote

import httpx

from extract.formats import SUFFIXES, file_format
from extract.html import content_sha256
from extract.http import (
    BadBody,
    Limits,
    RetryLater,
    TooLarge,
    open_response,
    with_retries,
)
from nianbao.errors import EnvironmentBroken, TerminalError
from nianbao.records import CachedFetch, FetchedFile, FetchFailure

PART_SUFFIX = ".part"
# What a report file starts with: a body labelled gzip that starts with one of these was sent
# as it is (a server mislabelling a PDF), and is kept as it is.
_FILE_MAGIC = (b"%PDF", b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"<")


def _conditional_headers(cached: CachedFetch | None) -> dict[str, str]:
    headers = {"Accept-Encoding": "gzip, deflate"}  # the encodings _Body can undo
    if cached is None:
        return headers
    if cached.etag:
        headers["If-None-Match"] = cached.etag
    if cached.last_modified:
        headers["If-Modified-Since"] = cached.last_modified
    return headers


def clear_partial_downloads(raw_dir: Path) -> int:
    """Remove `.part` files a killed run left behind (call it holding the warehouse lock:
    no other run is downloading); how many there were."""
    if not raw_dir.is_dir():
        return 0
    stale = list(raw_dir.glob(f"*{PART_SUFFIX}"))
    for path in stale:
        path.unlink(missing_ok=True)
    return len(stale)


def fetch_report(
    client: httpx.Client,
    url: str,
    raw_dir: Path,
    cached: CachedFetch | None = None,
    allowed_host: str | None = None,
    limits: Limits | None = None,
) -> FetchedFile | FetchFailure:
    """`url` streamed to `raw_dir/<sha256>.<suffix>`, or why it gave no file.

    With what the last run learnt of the URL (ETag, Last-Modified) the GET is conditional: a
    304 downloads nothing and stands for the file seen before. Network trouble, 429 and 5xx
    are tried again (limits.attempts times, Retry-After honoured), then recorded as transient.
    """
    limits = limits or Limits()
    host = allowed_host or httpx.URL(url).host or ""
    fetched_at = datetime.now(UTC)
    try:
        return with_retries(lambda: _download(client, url, raw_dir, cached, host, limits), limits)
    except RetryLater as err:
        reason = f"download failed: {err} (tried {limits.attempts}×; tried again next run)"
        return FetchFailure(url, reason, fetched_at, transient=True)
    except TerminalError as err:
        return FetchFailure(url, err.reason, fetched_at)


def _download(
    client: httpx.Client,
    url: str,
    raw_dir: Path,
    cached: CachedFetch | None,
    host: str,
    limits: Limits,
) -> FetchedFile | FetchFailure:
    fetched_at = datetime.now(UTC)
    with (
        _part_file(raw_dir) as (out, part),
        open_response(client, url, host, _conditional_headers(cached)) as response,
    ):
        if response.status_code == 304 and cached is not None:
            return _not_modified(url, raw_dir, cached, fetched_at)
        if response.status_code >= 400:
            return FetchFailure(
                url, f"dead link: HTTP {response.status_code} for {url}", fetched_at
            )
        body = _Body(out, limits.max_bytes, response.headers.get("content-encoding", ""))
        try:
            for chunk in response.iter_raw():
                body.add(chunk)
        except httpx.TransportError as err:
            raise RetryLater(f"{url}: body cut short ({err.__class__.__name__}: {err})") from err
        body.finish()
        sha256, final = _kept(part, raw_dir, body.sha256)
        return FetchedFile(
            url,
            sha256,
            str(final),
            final.stat().st_size,
            fetched_at,
            response.headers.get("etag", ""),
            response.headers.get("last-modified", ""),
            final_url=str(response.url) if str(response.url) != url else "",
            file_name=attachment_name(response.headers.get_list("content-disposition")),
        )


def attachment_name(dispositions: list[str]) -> str:
    """The file name a Content-Disposition gives: RFC 6266's filename* (UTF-8, percent-encoded)
    first, else filename=, whose raw bytes Chinese servers often send in GBK (httpx hands
    header bytes over as Latin-1), else UTF-8; '' when none."""
    for value in dispositions:
        extended = _FILENAME_STAR.search(value)
        if extended:
            charset, quoted = extended.groups()
            try:
                return unquote(quoted, encoding=charset or "utf-8", errors="strict")
            except (LookupError, UnicodeDecodeError):
                pass
    for value in dispositions:
        plain = _FILENAME.search(value)
        if plain:
            return _as_chinese(unquote(plain.group(1).strip('"')))
    return ""


_FILENAME_STAR = re.compile(r"filename\*\s*=\s*([\w-]*)'[^']*'([^;]+)", re.I)
_FILENAME = re.compile(r"filename\s*=\s*(\"[^\"]*\"|[^;]+)", re.I)


def _as_chinese(latin: str) -> str:
    """A header value's characters back to its bytes, read as UTF-8 or else GBK."""
    try:
        raw = latin.encode("latin-1")
    except UnicodeEncodeError:
        return latin  # already text (percent-decoded)
    for codec in ("utf-8", "gb18030"):
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            continue
    return latin


def remembered(url: str, raw_dir: Path, cached: CachedFetch) -> FetchedFile:
    """The file `url` served when last asked, standing for it on a night it is not asked
    again (a warm night asks each known file only on its night of the rotation)."""
    return replace(_not_modified(url, raw_dir, cached, datetime.now(UTC)), resting=True)


def _not_modified(url: str, raw_dir: Path, cached: CachedFetch, at: datetime) -> FetchedFile:
    path = next(raw_dir.glob(f"{cached.sha256}.*"), raw_dir / f"{cached.sha256}.pdf")
    size = path.stat().st_size if path.exists() else 0
    return FetchedFile(
        url,
        cached.sha256,
        str(path),
        size,
        at,
        cached.etag,
        cached.last_modified,
        not_modified=True,
    )


class _Body:
    """Writes a body as it comes, undoing gzip/deflate itself (httpx would raise on a PDF
    mislabelled gzip), hashing what it writes and refusing more than `max_bytes` of it (a
    300 MB attachment, or 377 KB of gzip that would become 300 MB)."""

    def __init__(self, out: BinaryIO, max_bytes: int, encoding: str) -> None:
        self.out = out
        self.max_bytes = max_bytes
        self.encoding = encoding.strip().lower()
        self.digest = hashlib.sha256()
        self.written = 0
        self._inflate: zlib._Decompress | None = None
        self._decided = self.encoding not in ("gzip", "x-gzip", "deflate")

    def add(self, raw: bytes) -> None:
        if not raw:
            return
        if not self._decided:
            self._decide(raw)
        if self._inflate is None:
            self._write(raw)
            return
        for piece in self._inflated(raw):
            self._write(piece)

    def _decide(self, first: bytes) -> None:
        self._decided = True
        if first.startswith(_FILE_MAGIC):
            return  # labelled compressed, sent as it is
        wbits = 16 + zlib.MAX_WBITS if first[:2] == b"\x1f\x8b" else zlib.MAX_WBITS
        if self.encoding == "deflate" and first[:1] != b"\x78":
            wbits = -zlib.MAX_WBITS  # raw deflate, as some servers send it
        self._inflate = zlib.decompressobj(wbits)

    def _inflated(self, raw: bytes) -> Iterator[bytes]:
        assert self._inflate is not None
        data = raw
        try:
            while data:
                room = self.max_bytes - self.written + 1
                piece = self._inflate.decompress(data, room)
                yield piece
                data = self._inflate.unconsumed_tail
        except zlib.error as err:
            raise BadBody(f"{self.encoding} body cannot be decoded: {err}") from err

    def _write(self, piece: bytes) -> None:
        self.written += len(piece)
        if self.written > self.max_bytes:
            raise TooLarge(
                f"larger than the {self.max_bytes // (1024 * 1024)} MB a download may be "
                "(NIANBAO_MAX_DOWNLOAD_MB): not kept"
            )
        self.digest.update(piece)
        try:
            self.out.write(piece)
        except OSError as err:
            raise EnvironmentBroken(f"cannot write a download to {self.out.name}: {err}") from err

    def finish(self) -> None:
        if self._inflate is not None:
            try:
                self._write(self._inflate.flush())
            except zlib.error as err:
                raise BadBody(f"{self.encoding} body cannot be decoded: {err}") from err
        try:
            self.out.flush()
            os.fsync(self.out.fileno())
        except OSError as err:
            raise EnvironmentBroken(f"cannot write a download to {self.out.name}: {err}") from err

    @property
    def sha256(self) -> str:
        return self.digest.hexdigest()


@contextmanager
def _part_file(raw_dir: Path) -> Iterator[tuple[BinaryIO, Path]]:
    """A temporary file in `raw_dir` for one download, removed whatever happens (a kept
    file was renamed away before)."""
    try:
        raw_dir.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=raw_dir, suffix=PART_SUFFIX)
    except OSError as err:
        raise EnvironmentBroken(f"cannot write downloads to {raw_dir}: {err}") from err
    path = Path(name)
    out = os.fdopen(fd, "wb")
    try:
        yield out, path
    finally:
        with contextlib.suppress(OSError):  # a write that failed has said so already
            out.close()
        path.unlink(missing_ok=True)


def _kept(part: Path, raw_dir: Path, sha256: str) -> tuple[str, Path]:
    """The download renamed to `<identity><suffix>`: its bytes' hash, or for a report page its
    content's (html.content_sha256), as a page's bytes change with its view counter."""
    kind = file_format(part)
    if kind == "html":
        sha256 = content_sha256(part.read_bytes()) or sha256
    return sha256, _keep(part, raw_dir, sha256, SUFFIXES[kind])


def _keep(part: Path, raw_dir: Path, sha256: str, suffix: str) -> Path:
    final = raw_dir / f"{sha256}{suffix}"
    try:
        os.replace(part, final)
    except OSError as err:
        raise EnvironmentBroken(f"cannot keep a download in {raw_dir}: {err}") from err
    return final
