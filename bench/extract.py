"""Accuracy and speed of nianbao's extraction against plain camelot, on the same files.

    python bench/extract.py

For the real reports in ../shared/real and the sample portal's reports: cells exact /
cells expected (against their truth JSON), seconds per report, seconds per page; then the
same files through plain `camelot.read_pdf(pages="all")` (lattice, default settings) in the
same process, and the ratio of the two times.
"""

from __future__ import annotations

import json
import os
import sys
import time
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")

import camelot  # noqa: E402

from corpus.score import truth_cells  # noqa: E402
from extract.pdf import read_pdf_text  # noqa: E402
from extract.report import extract_report  # noqa: E402

REAL = REPO.parent / "shared" / "real"
SAMPLE = REPO / "data" / "sample_portal"
TRUTH = REPO / "data" / "sample_truth"


def cases() -> list[tuple[str, Path, dict]]:
    # The real PDFs; shared/real also holds an HTML-published report (not a PDF: not here).
    found = [
        ("real", REAL / f"{p.stem}.pdf", json.loads(p.read_text(encoding="utf-8")))
        for p in sorted(REAL.glob("*.json"))
        if (REAL / f"{p.stem}.pdf").is_file()
    ]
    manifest = json.loads((TRUTH / "manifest.json").read_text(encoding="utf-8"))
    found += [
        ("sample", SAMPLE / m["path"], json.loads((TRUTH / m["truth"]).read_text(encoding="utf-8")))
        for m in manifest
        if m["kind"] == "report" and m["expected"] == "loaded"  # the scan: bench/scans.py
    ]
    return found


def main() -> None:
    rows = []
    extract_report(cases()[0][1])  # warm imports and caches once, outside the timings
    for group, path, truth in cases():
        t0 = time.perf_counter()
        report = extract_report(path)
        ours = time.perf_counter() - t0
        got = {(c.table, c.row, c.col): c.value for c in report.cells}
        want = truth_cells(truth)
        exact = sum(1 for k, v in want.items() if got.get(k) is not None and float(got[k]) == v)
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            camelot.read_pdf(str(path), pages="all")
        plain = time.perf_counter() - t0
        rows.append((group, path.name, read_pdf_text(path).pages, exact, len(want), ours, plain))

    print(
        f"{'set':7} {'file':28} {'pages':>5} {'exact/expected':>15} {'ours s':>7} {'camelot s':>9} {'ratio':>6}"
    )
    for group, name, pages, exact, want, ours, plain in rows:
        print(
            f"{group:7} {name:28} {pages:5d} {exact:>7d}/{want:<7d} {ours:7.3f} {plain:9.3f} {ours / plain:6.3f}"
        )
    for group in ("real", "sample", "all"):
        sel = [r for r in rows if group in ("all", r[0])]
        pages = sum(r[2] for r in sel)
        exact, want = sum(r[3] for r in sel), sum(r[4] for r in sel)
        ours, plain = sum(r[5] for r in sel), sum(r[6] for r in sel)
        print(
            f"{group:7} reports={len(sel)} cells exact {exact}/{want} ({100 * exact / want:.2f} %)  "
            f"ours {ours / len(sel):.3f} s/report {ours / pages:.3f} s/page  "
            f"plain camelot {plain / len(sel):.3f} s/report {plain / pages:.3f} s/page  "
            f"ratio ours/plain {ours / plain:.3f}"
        )


if __name__ == "__main__":
    main()
