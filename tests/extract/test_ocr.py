"""Scanned reports read by OCR (extract/ocr.py): never a value loaded wrong, most loaded, the
rest refused; a cell a reading left blank though ink is in it is never read as zero."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np

from extract.ocr import DPI, ScannedPage, _zero_mark
from extract.report import extract_report
from tests.conftest import REPO, SAMPLE_PORTAL, SAMPLE_TRUTH, sample_manifest
from tests.corpus.scan import draw_scan_look, scanned_pdf

# A scan made here from a committed report of the fuzz slice (seeds nobody tuned on), with a
# scan look drawn from a seed bench/scans.py does not use.
SLICE_SEED, LOOK_SEED = 400007, 910001


def _score(report, truth: dict) -> tuple[int, int, list]:
    expected = {
        (t, r, c): float(v)
        for t in ("application", "review", "disclosure")
        for r, cols in truth[t].items()
        for c, v in cols.items()
    }
    got = {(c.table, c.row, c.col): c.value for c in report.cells}
    exact = sum(1 for k, v in expected.items() if got.get(k) is not None and float(got[k]) == v)
    wrong = [
        (k, got[k], v) for k, v in expected.items() if got.get(k) is not None and float(got[k]) != v
    ]
    return exact, len(expected), wrong


def test_the_sample_portals_scan_reads_with_nothing_wrong() -> None:
    (entry,) = [m for m in sample_manifest() if m["kind"] == "scanned"]
    report = extract_report(SAMPLE_PORTAL / entry["path"])
    truth = json.loads((SAMPLE_TRUTH / entry["truth"]).read_text(encoding="utf-8"))
    exact, expected, wrong = _score(report, truth)
    assert wrong == [] and exact >= 0.9 * expected
    assert (report.agency, report.year, report.method) == (truth["agency"], truth["year"], "ocr")
    assert all(p.method == "ocr" and p.confidence and p.confidence > 0.5 for p in report.pieces)


def test_a_scan_of_a_report_nobody_tuned_on_reads_with_nothing_wrong(tmp_path: Path) -> None:
    slice_dir = REPO / "data" / "fuzz_slice"
    rng = random.Random(LOOK_SEED)
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(scanned_pdf(slice_dir / f"fuzz-{SLICE_SEED}.pdf", draw_scan_look(rng), rng))
    truth = json.loads((slice_dir / f"fuzz-{SLICE_SEED}.json").read_text(encoding="utf-8"))
    report = extract_report(scan)
    exact, expected, wrong = _score(report, truth)
    assert wrong == []
    # Measured 155/186 when written: the 90 % is not reached on scans (bench/README.md);
    # this is a floor against regression, not the target.
    assert exact >= 0.8 * expected, f"{exact}/{expected}"


def _cell(draw) -> ScannedPage:
    image = np.full((60, 100), 250, np.uint8)
    draw(image)
    rules = (np.zeros_like(image), np.zeros_like(image))
    return ScannedPage(1, image, rules, (), 0.0, DPI)


def _slash(image: np.ndarray) -> None:
    for y in range(14, 46):  # a thin stroke leaning right, ~65° from the baseline
        x = 40 + (46 - y) // 2
        image[y, x : x + 3] = 80


def test_ink_no_detector_read_is_a_zero_mark_only_when_it_looks_like_one() -> None:
    one = _cell(lambda im: im.__setitem__((slice(18, 44), slice(48, 51)), 150))
    dash = _cell(lambda im: im.__setitem__((slice(29, 32), slice(35, 65)), 90))
    specks = _cell(
        lambda im: [im.__setitem__((y, x), 60) for y, x in ((15, 20), (40, 80), (25, 60))]
    )
    box = (0, 0, 100, 60)
    assert _zero_mark(one, box) is None  # a thin 1: refused, never read as 0
    assert _zero_mark(dash, box) == "—"
    assert _zero_mark(_cell(_slash), box) == "/"
    assert _zero_mark(specks, box) == ""
