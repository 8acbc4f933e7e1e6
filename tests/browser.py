"""A page opened as a person would: headless Chromium, no network, a throwaway profile; what
it drew (the DOM after its scripts ran) and what it showed (a screenshot)."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from corpus.render_html import chromium

# Any address but the page's own files is refused: a page that needs the internet shows it.
_OFFLINE = ("--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9")


def _run(page: Path, *what: str) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory() as tmp:
        return subprocess.run(
            [
                chromium(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--no-first-run",
                f"--user-data-dir={tmp}/profile",
                *_OFFLINE,
                *what,
                page.resolve().as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )


def rendered_dom(page: Path) -> str:
    """The page's DOM once its scripts have run."""
    return _run(page, "--dump-dom").stdout


def screenshot(page: Path, png: Path, width: int = 1200, height: int = 1600) -> Path:
    """The page as shown in a window of that size, saved as `png`."""
    _run(page, f"--screenshot={png}", f"--window-size={width},{height}")
    return png
