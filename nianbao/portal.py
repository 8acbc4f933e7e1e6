"""Serve a folder (the bundled sample portal) over HTTP on 127.0.0.1 for one run."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@contextmanager
def serve_folder(folder: Path, port: int = 0) -> Iterator[str]:
    """Base URL (ending in '/') of `folder` served on 127.0.0.1, for the `with` block.

    `port` is tried first (0: any free port); when it is taken, any free port is used.
    """
    if not (folder / "index.html").is_file():
        raise FileNotFoundError(f"{folder} has no index.html: not a portal folder")
    handler = partial(_QuietHandler, directory=str(folder))
    try:
        server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError:
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
