"""Scanned reports read by OCR (issue 13): scans made from the corpus's own PDFs, tuned on one
set and judged on another never looked at.

    python bench/scans.py [--tuned 0-15] [--unseen 0-39] [--jobs 2] [--slice DIR ...]

- tuned: the sample portal's reports (data/sample_portal), each scanned with a look drawn from
  its index (corpus/scan.py: 150–300 dpi, ±1.5° skew, blur, noise, JPEG, a red seal);
- unseen: the committed fuzz slice (data/fuzz_slice, seeds 400000–400039, four renderers),
  each scanned with a look drawn from seed 900000 + its index;
- each --slice DIR: a folder `bench/fuzz.py --test A-B --write-slice DIR` wrote (PDFs, truth,
  manifest), scanned with looks drawn from seed 900000 + its index, all of it. Render one
  range to tune on and another, never looked at, to judge.

Each scan is read by nianbao's extractor and judged by its checks (R1–R6, R8); per cell:
exact, refused (NULL or missing: its report fails R1/R6), wrong (silent when no failed check
names its row or column: before stop 25, when no error-level check of its report failed).
Prints OCR seconds per page.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def _span(text: str) -> range:
    first, last = (int(x) for x in text.split("-"))
    return range(first, last + 1)


def tuned_sources() -> list[tuple[Path, Path]]:
    manifest = json.loads((REPO / "data/sample_truth/manifest.json").read_text(encoding="utf-8"))
    return [
        (REPO / "data/sample_portal" / m["path"], REPO / "data/sample_truth" / m["truth"])
        for m in manifest
        if m["kind"] == "report" and m["expected"] == "loaded"
    ]


def unseen_sources(folder: Path = REPO / "data/fuzz_slice") -> list[tuple[Path, Path]]:
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return [(folder / f"fuzz-{m['seed']}.pdf", folder / f"fuzz-{m['seed']}.json") for m in manifest]


def read_scan(job: tuple[str, str, int, str]) -> dict:
    from corpus.scan import draw_scan_look, scanned_pdf
    from extract.report import extract_report
    from nianbao.errors import TerminalError

    pdf, truth_path, look_seed, folder = job
    rng = random.Random(look_seed)
    look = draw_scan_look(rng)
    scan = Path(folder) / f"scan-{look_seed}.pdf"
    scan.write_bytes(scanned_pdf(Path(pdf), look, rng))
    started = time.perf_counter()
    try:
        report: object = extract_report(scan)
    except TerminalError as err:
        report = err.reason
    seconds = time.perf_counter() - started
    return {"job": job, "look": look, "report": report, "seconds": seconds}


def judge(jobs: list[tuple[str, str, int, str]], workers: int) -> list[dict]:
    from expectations import Validator

    with ProcessPoolExecutor(workers) as pool:
        results = list(pool.map(read_scan, jobs))
    readable = [r for r in results if not isinstance(r["report"], str)]
    checks = Validator().validate_reports([(r["report"], str(r["job"][2])) for r in readable])
    for r, c in zip(readable, checks, strict=True):
        r["named"] = named_cells([x for x in c if not x.success and x.severity == "error"])
    for r in results:
        truth = json.loads(Path(r["job"][1]).read_text(encoding="utf-8"))
        r.update(_compare(r["report"], truth, r.get("named", set())))
    return results


def naming() -> dict[str, tuple[str, str, int]]:
    """Which cells a failed relation names: (table, key in its details, 0 for a row or 1 for
    a column), from the relations' own keys (expectations/frames.py) and their equations."""
    from expectations.frames import RELATION_KEYS
    from nianbao.equations import equations
    from nianbao.form import ROW_CODES_25

    tables = {e.check: e.table for e in equations(ROW_CODES_25, len(ROW_CODES_25))}
    return {
        check: (tables[check], key, 1 if key == "applicant_code" else 0)
        for check, key in RELATION_KEYS.items()
    }


def named_cells(failed: list) -> set[tuple[str, int, str]]:
    """(table, 0 for a row or 1 for a column, its code) of every row and column a failed
    error-level relation names: a wrong value there is flagged where it is."""
    named = set()
    relations = naming()
    for check in failed:
        if check.check_id in relations:
            table, key, axis = relations[check.check_id]
            named |= {(table, axis, str(d[key])) for d in check.details}
    return named


def _compare(report: object, truth: dict, named: set[tuple[str, int, str]]) -> dict:
    expected = {
        (t, row, col): float(v)
        for t in ("application", "review", "disclosure")
        for row, cols in truth[t].items()
        for col, v in cols.items()
    }
    if isinstance(report, str):
        return {"expected": len(expected), "exact": 0, "wrong": 0, "silent": 0, "pages": 0}
    got = {(c.table, c.row, c.col): c.value for c in report.cells}  # type: ignore[attr-defined]
    exact = sum(1 for k, v in expected.items() if got.get(k) is not None and float(got[k]) == v)
    wrong = sum(1 for k, v in expected.items() if got.get(k) is not None and float(got[k]) != v)
    # silent: no failed check names its row or column (table 二 has none that could)
    silent = sum(
        1
        for (t, row, col), v in expected.items()
        if got.get((t, row, col)) is not None
        and float(got[(t, row, col)]) != v
        and not {(t, 0, row), (t, 1, col)} & named
    )
    return {
        "expected": len(expected),
        "exact": exact,
        "wrong": wrong,
        "silent": silent,
        "pages": report.pages,  # type: ignore[attr-defined]
    }


def table(results: list[dict], title: str) -> str:
    exp = sum(r["expected"] for r in results)
    exact = sum(r["exact"] for r in results)
    quarantined = [r for r in results if isinstance(r["report"], str)]
    pages = sum(r["pages"] for r in results)
    seconds = sum(r["seconds"] for r in results if not isinstance(r["report"], str))
    lines = [
        f"### {title}",
        "",
        "| reports | cells exact | refused | wrong | silent wrong | quarantined | OCR s/page |",
        "|---|---|---|---|---|---|---|",
        f"| {len(results)} | {exact}/{exp} ({100 * exact / max(exp, 1):.2f} %) | "
        f"{exp - exact - sum(r['wrong'] for r in results)} | {sum(r['wrong'] for r in results)} | "
        f"{sum(r['silent'] for r in results)} | {len(quarantined)} | {seconds / max(pages, 1):.1f} |",
        "",
        "by dpi: "
        + ", ".join(
            f"{dpi}: {sum(r['exact'] for r in rs)}/{sum(r['expected'] for r in rs)}"
            for dpi in (150, 200, 300)
            if (rs := [r for r in results if r["look"].dpi == dpi])
        ),
    ]
    lines += [f"- quarantined {r['job'][0]}: {r['report']}" for r in quarantined]
    short = [r for r in results if r["exact"] < r["expected"] and not isinstance(r["report"], str)]
    # Every report with a wrong value, then the most refused, twenty in all at least
    short.sort(key=lambda r: (-r["wrong"], r["exact"] - r["expected"]))
    lines += [
        f"- {Path(r['job'][0]).name} ({r['look']}): {r['exact']}/{r['expected']}, wrong {r['wrong']}"
        f" (silent {r['silent']})"
        for n, r in enumerate(short)
        if r["wrong"] or n < 20
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tuned", default="0-15", help="indices of the sample portal's reports")
    parser.add_argument("--unseen", default="0-39", help="indices of the fuzz slice's reports")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--only", choices=("tuned", "unseen"))
    parser.add_argument(
        "--slice",
        type=Path,
        action="append",
        default=[],
        help="score every report of this folder (bench/fuzz.py --write-slice); given, the "
        "sample portal and the committed slice are scored only when --only names one",
    )
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="nianbao-scans-")
    sets = {
        "tuned": [
            (str(p), str(t), i, folder)
            for i, (p, t) in enumerate(tuned_sources())
            if i in _span(args.tuned)
        ],
        "unseen": [
            (str(p), str(t), 900000 + i, folder)
            for i, (p, t) in enumerate(unseen_sources())
            if i in _span(args.unseen)
        ],
    }
    sets = {name: jobs for name, jobs in sets.items() if not args.only or args.only == name}
    if args.slice:
        sets = {} if not args.only else sets
    for folder_path in args.slice:
        sets[str(folder_path)] = [
            (str(p), str(t), 900000 + i, folder)
            for i, (p, t) in enumerate(unseen_sources(folder_path))
        ]
    for name, jobs in sets.items():
        started = time.perf_counter()
        results = judge(jobs, args.jobs)
        print(table(results, f"{name}: {len(jobs)} scans"))
        print(f"\nwhole: {time.perf_counter() - started:.0f} s\n")


if __name__ == "__main__":
    main()
