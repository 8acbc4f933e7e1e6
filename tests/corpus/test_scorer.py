"""The corpus scorer on a slice of the corpus, through a real run: fails if accuracy drops."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from corpus.score import format_score, score
from flows.ingest import ingest
from nianbao.portal import serve_folder
from nianbao.settings import load_settings
from tests.conftest import SAMPLE_PORTAL, SAMPLE_TRUTH

# Reports that nianbao reads exactly today, across both renderers, both forms, a planted
# mistake and a GBK page; and every special file. Widen as extraction improves.
SLICE = {
    "panzhihua-xiqu-xzspj-2024",
    "yunxi-police-2024",
    "linjiang-district-2023",
    "qingshan-county-2023",
    "yunxi-eco-2024",
    "yunxi-nrp-2024",
    "scan-yunxi-water-2024",
    "truncated-yunxi-transport-2024",
    "encrypted-yunxi-finance-2024",
    "empty-yunxi-civil-2024",
    "html-yunxi-audit-2024",
    "prose-yunxi-archives-2024",
    "trial-yunxi-tourism-2019",
    "dead-yunxi-sports-2024",
}


def slice_portal(root: Path, entries: list[dict]) -> None:
    for entry in entries:
        for rel in (entry["page"], entry["path"]):
            source = SAMPLE_PORTAL / rel
            if source.is_file():
                (root / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, root / rel)
    links = "".join(f'<li><a href="./{e["page"]}">{e["slug"]}年度报告</a></li>' for e in entries)
    (root / "index.html").write_text(
        f'<html><head><meta charset="utf-8"></head><body><ul>{links}</ul></body></html>',
        encoding="utf-8",
    )


@pytest.fixture(scope="module")
def sliced(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory):
    manifest = json.loads((SAMPLE_TRUTH / "manifest.json").read_text(encoding="utf-8"))
    entries = [m for m in manifest if m["slug"] in SLICE]
    root = tmp_path_factory.mktemp("slice")
    slice_portal(root, entries)
    db = root / "warehouse.duckdb"
    with serve_folder(root) as base:
        ingest(base + "index.html", load_settings(db_path=db, raw_dir=root / "raw"))
    return score(db, root, SAMPLE_TRUTH, entries)


def test_slice_is_read_exactly(sliced) -> None:
    exact, expected = sliced.exact()
    assert expected > 1000
    assert exact == expected, format_score(sliced)


def test_slice_has_no_silent_wrong_cell(sliced) -> None:
    assert sliced.silent_wrong == 0


def test_slice_flags_exactly_the_planted_mistakes(sliced) -> None:
    # Error-level relations on each report itself; R7 (across years) is not checked yet.
    tp, found, planted = sliced.flags(("R1", "R2", "R3", "R4", "R5", "R6"))
    assert (tp, found, planted) == (1, 1, 1)  # yunxi-police-2024: R5


def test_every_special_file_has_its_outcome(sliced) -> None:
    assert [s.slug for s in sliced.specials if not s.ok] == []
    assert len(sliced.specials) == 8
