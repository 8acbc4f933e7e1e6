"""HTTP as a crawler needs it: a deadline on every whole response, redirects followed only on
the allowed host, bodies capped in size, and every failure sorted into transient (worth trying
again: network trouble, 408, 429, 5xx) or terminal (this URL will not give a file as it is).

httpx's timeouts bound each read, not a response: a server trickling a byte a second never
trips them. The deadline is enforced under httpx, on the socket reads themselves, so headers
and body alike are bounded (the one reach into httpx's and httpcore's insides, kept here).
"""

from __future__ import annotations

import email.utils
import random
import ssl
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

import httpcore
import httpx

from nianbao.errors import TerminalError, TransientError

MAX_REDIRECTS = 10
TRANSIENT_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})


class RetryLater(TransientError):
    """A transient failure, with how long the server asked us to wait (Retry-After), if it did."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class OffHost(TerminalError):
    """A redirect to another host than the one allowed: not followed."""


class RedirectLoop(TerminalError):
    pass


class TooLarge(TerminalError):
    pass


class BadBody(TerminalError):
    """A body that cannot be decoded as its headers say (e.g. corrupt gzip)."""


@dataclass(frozen=True)
class Limits:
    """What one request may cost: the whole response's seconds, the body's bytes."""

    deadline_seconds: float = 300.0
    max_bytes: int = 200 * 1024 * 1024
    attempts: int = 3  # tries of a URL within one run, transient failures only
    backoff_seconds: float = 1.0  # first wait between tries, doubled each time, with jitter
    max_wait_seconds: float = 60.0  # the longest Retry-After honoured within a run


# ---- the deadline, under httpx --------------------------------------------------------------


def _remaining(deadline: threading.local, timeout: float | None) -> float | None:
    at = getattr(deadline, "at", None)
    if at is None:
        return timeout
    left = at - time.monotonic()
    if left <= 0:
        raise httpcore.ReadTimeout("the response's deadline passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream, deadline: threading.local) -> None:
        self._inner = inner
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _remaining(self._deadline, timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _remaining(self._deadline, timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        timeout = _remaining(self._deadline, timeout)
        return _DeadlineStream(
            self._inner.start_tls(ssl_context, server_hostname, timeout), self._deadline
        )

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.SyncBackend):
    def __init__(self, deadline: threading.local) -> None:
        self._deadline = deadline

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        timeout = _remaining(self._deadline, timeout)
        inner = super().connect_tcp(host, port, timeout, local_address, socket_options)
        return _DeadlineStream(inner, self._deadline)


class DeadlineTransport(httpx.HTTPTransport):
    """httpx's transport, each response (headers and body) due within `seconds` of its request,
    with at most `open_requests` connections open at once over every host (a request waits for
    one: the global cap a night over many hosts keeps to; each host's pace is Politeness's).
    A run has one (extract/polite.py): its TLS context cost 20 ms to make, and a transport per
    host for robots.txt cost a night of 100 hosts 4.6 s of CPU, its requests beyond the cap.

    The deadline is per thread: a response is read in the thread that sent its request."""

    def __init__(self, seconds: float, open_requests: int = 16) -> None:
        tls = httpx.create_ssl_context()
        super().__init__(verify=tls)
        self.seconds = seconds
        self._deadline = threading.local()  # when the response being read is due, per thread
        self._pool = httpcore.ConnectionPool(
            ssl_context=tls,
            max_connections=open_requests,
            network_backend=_DeadlineBackend(self._deadline),
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self._deadline.at = time.monotonic() + self.seconds
        return super().handle_request(request)


# ---- requests --------------------------------------------------------------------------------


def _describe(err: Exception) -> str:
    text = str(err) or err.__class__.__name__
    return f"{err.__class__.__name__}: {text}" if text != err.__class__.__name__ else text


def _retry_after(response: httpx.Response) -> float | None:
    """Seconds the server asked us to wait (Retry-After: seconds or an HTTP date)."""
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


@contextmanager
def open_response(
    client: httpx.Client,
    url: str,
    allowed_host: str,
    headers: dict[str, str] | None = None,
    method: str = "GET",
    data: dict[str, str] | None = None,
) -> Iterator[httpx.Response]:
    """The streamed answer to GET `url` (or `method` with form `data`), after following
    redirects that stay on `allowed_host`.

    Raises RetryLater (network trouble, a timeout, 408/429/5xx), OffHost, RedirectLoop. Any
    other status is handed back for the caller to judge."""
    try:
        request = client.build_request(method, url, headers=headers, data=data)
    except (httpx.InvalidURL, ValueError) as err:
        raise TerminalError(f"malformed URL {url!r}: {err}") from err
    visited: set[str] = set()
    for _ in range(MAX_REDIRECTS + 1):
        if (request.url.host or "") != allowed_host:
            raise OffHost(f"{url} redirected off {allowed_host} to {request.url}: not followed")
        visited.add(str(request.url))
        response = _send(client, request)
        if response.is_redirect and response.next_request is not None:
            request = response.next_request
            response.close()
            if str(request.url) in visited:
                raise RedirectLoop(f"{url}: redirect loop at {request.url}")
            continue
        try:
            if response.status_code in TRANSIENT_STATUS:
                raise RetryLater(
                    f"{response.url}: HTTP {response.status_code}", _retry_after(response)
                )
            yield response
        finally:
            response.close()
        return
    raise RedirectLoop(f"{url}: more than {MAX_REDIRECTS} redirects")


def _send(client: httpx.Client, request: httpx.Request) -> httpx.Response:
    try:
        return client.send(request, stream=True)
    except httpx.TransportError as err:
        raise RetryLater(f"{request.url}: {_describe(err)}") from err
    except httpx.InvalidURL as err:
        raise TerminalError(f"malformed URL {request.url}: {err}") from err


def read_capped(response: httpx.Response, max_bytes: int) -> bytes:
    """The (decoded) body, refused past `max_bytes`; network trouble mid-body is transient."""
    parts: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > max_bytes:
                raise TooLarge(f"{response.url}: larger than {max_bytes // 1024 // 1024} MB")
            parts.append(chunk)
    except httpx.TransportError as err:
        raise RetryLater(f"{response.url}: {_describe(err)}") from err
    except httpx.DecodingError as err:
        raise BadBody(f"{response.url}: body cannot be decoded: {err}") from err
    return b"".join(parts)


T = TypeVar("T")


def with_retries(
    attempt: Callable[[], T], limits: Limits, sleep: Callable[[float], None] = time.sleep
) -> T:
    """`attempt()` tried up to `limits.attempts` times while it fails transiently: exponential
    backoff with jitter, or the server's Retry-After when it gives one (up to max_wait_seconds;
    a longer wait is left for the next night). The last failure is raised."""
    for n in range(1, limits.attempts + 1):
        try:
            return attempt()
        except RetryLater as err:
            wait = _wait_before_retry(err, limits, n)
            if n == limits.attempts or wait is None:
                raise
            sleep(wait)
    raise AssertionError("unreachable")  # pragma: no cover


def _wait_before_retry(err: RetryLater, limits: Limits, attempt: int) -> float | None:
    if err.retry_after is not None:
        return err.retry_after if err.retry_after <= limits.max_wait_seconds else None
    return limits.backoff_seconds * 2 ** (attempt - 1) * random.uniform(0.8, 1.2)
