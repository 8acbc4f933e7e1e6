"""Shared fixtures: the real reports in ../shared/real, local HTTP portals, one Prefect harness."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from expectations import Validator

# Nothing phones home from the tests either, whatever the environment says.
os.environ["GX_ANALYTICS_ENABLED"] = "False"
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
# Test portals are served by the test itself: no need to pace requests (tests/extract/test_polite.py
# checks the pacing and robots.txt on their own).
os.environ.setdefault("NIANBAO_RATE_PER_SECOND", "0")
# Every night asks every known file and walks every column, as a night of the rotation does
# (a test's second night must not depend on the date); tests/flows/test_warm_nights.py sets
# the rotations and the night itself.
os.environ.setdefault("NIANBAO_REVALIDATE_DAYS", "1")
os.environ.setdefault("NIANBAO_FULL_WALK_DAYS", "1")

REPO = Path(__file__).resolve().parents[1]
# One for the whole session: building GX's context takes seconds.
VALIDATOR = Validator()
REAL_DIR = REPO.parent / "shared" / "real"
SAMPLE_PORTAL = REPO / "data" / "sample_portal"
SAMPLE_TRUTH = REPO / "data" / "sample_truth"
REAL_NAMES = ("huaian-city-2024", "hongze-district-2023", "hongze-district-2024")
REAL_PAGES = ("shuyang-fgj-2023",)  # published as the detail page itself
REAL_REPORTS = REAL_NAMES + REAL_PAGES


def real_pdf(name: str) -> Path:
    return real_file(name, ".pdf")


def real_file(name: str, suffix: str | None = None) -> Path:
    """../shared/real/<name>.pdf (or .html for the one published as a page)."""
    suffix = suffix or (".html" if name in REAL_PAGES else ".pdf")
    path = REAL_DIR / f"{name}{suffix}"
    if not path.is_file():
        raise FileNotFoundError(f"{path}: the real reports live in ../shared/real beside the repo")
    return path


def real_truth(name: str) -> dict:
    return json.loads((REAL_DIR / f"{name}.json").read_text(encoding="utf-8"))


def sample_manifest() -> list[dict]:
    return json.loads((SAMPLE_TRUTH / "manifest.json").read_text(encoding="utf-8"))


def sample_truth(name: str) -> dict:
    return json.loads((SAMPLE_TRUTH / name).read_text(encoding="utf-8"))


def query_db(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    """Rows of `sql` on a warehouse file, through a read-only connection closed at once."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One temporary Prefect server for the whole session (it costs ~9 s to start)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness():
        yield


@pytest.fixture(scope="session")
def real_portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The three real PDFs behind a generated CMS listing page, and the real report published
    as a page as one of its detail pages, served on 127.0.0.1."""
    from nianbao.portal import serve_folder

    root = tmp_path_factory.mktemp("real_portal")
    (root / "files").mkdir()
    items = []
    for i, name in enumerate(REAL_NAMES):
        (root / "files" / f"{name}.pdf").symlink_to(real_pdf(name))
        truth = real_truth(name)
        title = f"{truth['agency']}{truth['year']}年政府信息公开工作年度报告"
        (root / f"t{i}.html").write_text(
            f'<html><head><meta charset="utf-8"><title>{title}</title></head><body>'
            f'<a href="files/{name}.pdf">{title}</a></body></html>',
            encoding="utf-8",
        )
        items.append(f'<li><a href="t{i}.html">{title}</a></li>')
    for i, name in enumerate(REAL_PAGES, start=len(REAL_NAMES)):
        (root / f"t{i}.html").symlink_to(real_file(name))
        truth = real_truth(name)
        title = f"{truth['agency']}{truth['year']}年政府信息公开年度报告"
        items.append(f'<li><a href="t{i}.html">{title}</a></li>')
    (root / "index.html").write_text(
        '<html><head><meta charset="utf-8"></head><body><ul>'
        + "".join(items)
        + "</ul></body></html>",
        encoding="utf-8",
    )
    with serve_folder(root) as base:
        yield base + "index.html"


@pytest.fixture(scope="session")
def sample_portal() -> Iterator[str]:
    from nianbao.portal import serve_folder

    with serve_folder(SAMPLE_PORTAL) as base:
        yield base + "index.html"
