"""A loopback HTTP server that misbehaves on purpose: every path answers as its behaviour says
(resets, short bodies, trickles, redirect loops, 429/5xx sequences, gzip lies, huge bodies).

Each response closes its connection (HTTP/1.0), as the faults need; a behaviour may be
swapped between two nights to play a server that recovered.
"""

from __future__ import annotations

import gzip
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Behaviour = Callable[[BaseHTTPRequestHandler], None]


class FaultServer:
    """Serves `routes` (path → behaviour) on `host` (a loopback address) until closed."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.routes: dict[str, Behaviour] = {}
        self.requests: list[str] = []
        self.posts: list[tuple[str, bytes]] = []  # (path and query, body) of every POST
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                path = self.path.split("?", 1)[0]
                server.requests.append(path)
                behaviour = server.routes.get(path, status(404))
                with suppress(BrokenPipeError, ConnectionResetError):  # the client gave up
                    behaviour(self)

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                server.posts.append((self.path, self.rfile.read(length)))
                self.do_GET()

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self._httpd = ThreadingHTTPServer((host, 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self._httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def hits(self, path: str) -> int:
        return self.requests.count(path)

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


@contextmanager
def fault_server(host: str = "127.0.0.1") -> Iterator[FaultServer]:
    server = FaultServer(host)
    try:
        yield server
    finally:
        server.close()


# ---- behaviours ----------------------------------------------------------------------------


def _head(h: BaseHTTPRequestHandler, code: int, headers: dict[str, str]) -> None:
    h.send_response(code)
    for name, value in headers.items():
        h.send_header(name, value)
    h.end_headers()


def page(html: str) -> Behaviour:
    body = html.encode("utf-8")

    def answer(h: BaseHTTPRequestHandler) -> None:
        _head(
            h, 200, {"Content-Type": "text/html; charset=utf-8", "Content-Length": str(len(body))}
        )
        h.wfile.write(body)

    return answer


def file(body: bytes, etag: str | None = None) -> Behaviour:
    """A file with its length, and an ETag honoured by If-None-Match (a 304) when given."""

    def answer(h: BaseHTTPRequestHandler) -> None:
        if etag and h.headers.get("If-None-Match") == etag:
            _head(h, 304, {"ETag": etag})
            return
        headers = {"Content-Type": "application/pdf", "Content-Length": str(len(body))}
        if etag:
            headers["ETag"] = etag
        _head(h, 200, headers)
        h.wfile.write(body)

    return answer


def status(code: int, headers: dict[str, str] | None = None) -> Behaviour:
    def answer(h: BaseHTTPRequestHandler) -> None:
        _head(h, code, {"Content-Length": "0", **(headers or {})})

    return answer


def redirect(location: str, code: int = 302) -> Behaviour:
    return status(code, {"Location": location})


def sequence(*behaviours: Behaviour) -> Behaviour:
    """The n-th request answered by the n-th behaviour; the last one repeats."""
    count = [0]
    lock = threading.Lock()

    def answer(h: BaseHTTPRequestHandler) -> None:
        with lock:
            n = min(count[0], len(behaviours) - 1)
            count[0] += 1
        behaviours[n](h)

    return answer


def reset_mid_body(body: bytes) -> Behaviour:
    """Half the body, then a TCP reset (SO_LINGER 0)."""

    def answer(h: BaseHTTPRequestHandler) -> None:
        _head(h, 200, {"Content-Type": "application/pdf", "Content-Length": str(len(body))})
        h.wfile.write(body[: len(body) // 2])
        h.wfile.flush()
        h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        h.connection.close()

    return answer


def short_body(body: bytes, missing: int = 1000) -> Behaviour:
    """A Content-Length longer than the body sent, then a clean close."""

    def answer(h: BaseHTTPRequestHandler) -> None:
        headers = {"Content-Type": "application/pdf", "Content-Length": str(len(body) + missing)}
        _head(h, 200, {**headers, "ETag": '"short"'})
        h.wfile.write(body)

    return answer


def cut_without_length(body: bytes, etag: str = '"cut"') -> Behaviour:
    """Half the body with no Content-Length, then a clean close: the client cannot tell the
    file is short (only reading it shows it), and the server still offers an ETag."""

    def answer(h: BaseHTTPRequestHandler) -> None:
        if h.headers.get("If-None-Match") == etag:
            _head(h, 304, {"ETag": etag})
            return
        _head(h, 200, {"Content-Type": "application/pdf", "ETag": etag})
        h.wfile.write(body[: len(body) // 2])

    return answer


def _labelled_gzip(wire: bytes) -> Behaviour:
    """`wire` sent as it is, under `Content-Encoding: gzip`."""

    def answer(h: BaseHTTPRequestHandler) -> None:
        headers = {"Content-Type": "application/pdf", "Content-Encoding": "gzip"}
        _head(h, 200, {**headers, "Content-Length": str(len(wire))})
        h.wfile.write(wire)

    return answer


def gzip_label_on_plain(body: bytes) -> Behaviour:
    """`Content-Encoding: gzip` on a body that is not gzip (a server's lie)."""
    return _labelled_gzip(body)


def gzipped(body: bytes) -> Behaviour:
    return _labelled_gzip(gzip.compress(body))


def gzip_bomb(expanded_mb: int) -> Behaviour:
    """A small gzip body that expands to `expanded_mb` MB of zeros."""
    return gzipped(b"\0" * (expanded_mb * 1024 * 1024))


def huge(size_mb: int) -> Behaviour:
    """A body of `size_mb` MB, streamed."""
    chunk = b"%PDF" + b"\0" * (1024 * 1024 - 4)

    def answer(h: BaseHTTPRequestHandler) -> None:
        length = size_mb * 1024 * 1024
        _head(h, 200, {"Content-Type": "application/pdf", "Content-Length": str(length)})
        for _ in range(size_mb):
            h.wfile.write(chunk)

    return answer


def trickle(body: bytes, interval: float = 0.5, stop: threading.Event | None = None) -> Behaviour:
    """Headers at once, then the body a byte every `interval` seconds."""

    def answer(h: BaseHTTPRequestHandler) -> None:
        _head(h, 200, {"Content-Type": "application/pdf", "Content-Length": str(len(body))})
        _drip(h, body, interval, stop)

    return answer


def trickle_headers(interval: float = 0.5, stop: threading.Event | None = None) -> Behaviour:
    """The status line and headers a byte every `interval` seconds, for ever."""

    def answer(h: BaseHTTPRequestHandler) -> None:
        _drip(h, b"HTTP/1.0 200 OK\r\n" + b"X-Slow: " + b"a" * 10_000, interval, stop)

    return answer


def _drip(
    h: BaseHTTPRequestHandler, data: bytes, interval: float, stop: threading.Event | None
) -> None:
    """`data` a byte every `interval` seconds, until it ends or `stop` is set."""
    for byte in data:
        if stop is not None and stop.is_set():
            return
        h.wfile.write(bytes([byte]))
        h.wfile.flush()
        time.sleep(interval)
