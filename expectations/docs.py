"""Data Docs as a site that lasts across runs: each run's validation results kept beside the
site (one JSON file per run), the newest `keep_runs` runs shown under one index and older ones
pruned, and every page made to open offline (GX's templates load Bootstrap, jQuery and Font
Awesome from public CDNs, which an offline server or a filtering network never reaches).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from pathlib import Path

from nianbao.records import GxResult

RESULTS_FOLDER = ".results"  # inside the site folder; GX's site builder ignores it
ASSETS = Path("static") / "nianbao"
# What the pages' own scripts and classes need (a small jQuery stand-in that draws the
# index's table; the Bootstrap and Font Awesome rules they use), copied into the site.
LOCAL_ASSETS = (Path(__file__).with_name("docs.css"), Path(__file__).with_name("docs.js"))

_CDN_LINK = re.compile(r"<link\b[^>]*href=\"https?://[^\"]*\"[^>]*>\s*")
_CDN_SCRIPT = re.compile(r"<script\b[^>]*src=\"https?://[^\"]*\"[^>]*>\s*</script>\s*")
_GX_IMAGE = re.compile(r'src="https://great-expectations-web-assets[^"]*?/([\w.-]+\.png)[^"]*"')
_HEAD_END = "</head>"


def kept_results(
    folder: Path, run_id: str, results: Sequence[GxResult], keep_runs: int
) -> list[GxResult]:
    """This run's results written beside the site, runs beyond the newest `keep_runs`
    deleted; the results of every run kept (this one's included), oldest run first."""
    store = folder / RESULTS_FOLDER
    store.mkdir(parents=True, exist_ok=True)
    own = store / f"{run_id}.json"
    own.write_text(json.dumps([[list(key), value] for key, value in results]), encoding="utf-8")
    runs = sorted(store.glob("*.json"), key=lambda p: (p.stat().st_mtime_ns, p.name))
    for old in runs[: max(0, len(runs) - keep_runs)]:
        if old != own:
            old.unlink()
    kept = []
    for path in runs[max(0, len(runs) - keep_runs) :]:
        kept += [(tuple(key), value) for key, value in json.loads(path.read_text("utf-8"))]
    return kept


def make_offline(folder: Path, written_since: float = 0.0) -> int:
    """Every page of the site written since `written_since` (a time.time(); the pages of
    earlier runs were made offline then) without its CDN stylesheets and scripts, and with the
    local assets (docs.css, docs.js, copied into the site) instead; how many pages changed."""
    assets = folder / ASSETS
    assets.mkdir(parents=True, exist_ok=True)
    for asset in LOCAL_ASSETS:
        (assets / asset.name).write_bytes(asset.read_bytes())
    changed = 0
    for page in folder.rglob("*.html"):
        if page.stat().st_mtime < written_since:
            continue
        text = page.read_text(encoding="utf-8")
        if not (_CDN_LINK.search(text) or _CDN_SCRIPT.search(text) or _GX_IMAGE.search(text)):
            continue
        page.write_text(_local(_CDN_SCRIPT.sub("", _CDN_LINK.sub("", text)), page, assets), "utf-8")
        changed += 1
    return changed


def _local(text: str, page: Path, assets: Path) -> str:
    """The page's <head> ending with links to the local assets, as seen from its folder."""
    here = Path(os.path.relpath(assets, page.parent)).as_posix()
    text = _GX_IMAGE.sub(f'src="{here}/../images/\\1"', text)  # GX ships its logo
    tags = (
        f'<link rel="stylesheet" href="{here}/docs.css">\n<script src="{here}/docs.js"></script>\n'
    )
    return text.replace(_HEAD_END, tags + _HEAD_END, 1)


def drop_empty_folders(folder: Path) -> None:
    """The folders GX leaves behind when it removes a pruned run's pages."""
    for path in sorted(folder.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        if path.is_dir() and not any(path.iterdir()):
            path.rmdir()
