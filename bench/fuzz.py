"""Generalization, not fit: score extraction on fuzzed reports from two seed ranges, one to
tune on and one never looked at while working (issue 12).

    python bench/fuzz.py [--train 0-99] [--test 100000-100299] [--jobs 2] [--keep DIR]
                         [--as printed|page|docx|ofd]

Each seed draws a report and its layout (corpus/fuzz.py: renderer, font, size, margins,
label widths, numbering, brackets, zero marks, header repetition, rows breaking across pages,
rules, padding, ...); it is rendered, read by nianbao's extractor (extract_report), judged by
its checks (R1–R6, Great Expectations) and compared with the truth, cell by cell:

- exact: the printed value; refused: missing or NULL (the report carries a failed R1/R6);
- wrong: a value that is not the printed one; silent when the report's failed checks are no
  more than its planted mistake explains (nothing points at it);
- quarantined: the reader refused the whole report (its reason is listed).

Needs headless Chromium, LibreOffice, XeLaTeX and the CJK fonts (`make corpus-tools`).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


@dataclass
class Outcome:
    seed: int
    dims: dict[str, object]
    expected: int = 0
    exact: int = 0
    refused: int = 0
    wrong: int = 0
    silent: int = 0
    quarantined: str | None = None
    title_wrong: str | None = None  # the body or year read, when not the printed ones
    planted: set[str] = field(default_factory=set)
    flagged: set[str] = field(default_factory=set)
    pages: int = 0
    seconds: float = 0.0


# The relations a single report is judged on (R7 needs the year before).
CHECKED = ("R1", "R2", "R3", "R4", "R5", "R6", "R8")


def _span(text: str) -> range:
    first, last = (int(x) for x in text.split("-"))
    return range(first, last + 1)


def render(seed: int, folder: str, how: str = "printed") -> tuple[int, str, float]:
    """Draw seed's report and publish it `how` (printed to PDF, as a page, as a .docx);
    (seed, file path, seconds)."""
    from corpus.fuzz import PUBLISHERS, fuzz_report

    suffix = {"printed": ".pdf", "page": ".html", "docx": ".docx", "ofd": ".ofd"}[how]
    path = Path(folder) / f"fuzz-{seed}{suffix}"
    if path.is_file():  # rendered before into --keep: the same seed draws the same report
        return seed, str(path), 0.0
    started = time.perf_counter()
    PUBLISHERS[how](fuzz_report(seed), Path(folder))
    return seed, str(path), time.perf_counter() - started


def read(seed: int, path: str) -> tuple[int, object, float]:
    from extract.report import extract_report
    from nianbao.errors import TerminalError

    started = time.perf_counter()
    try:
        report: object = extract_report(path)
    except TerminalError as err:
        report = err.reason
    except Exception as err:  # a crash of the reader: counted, with its place
        report = f"CRASH {type(err).__name__}: {err}"
    return seed, report, time.perf_counter() - started


def judge(seeds: list[int], folder: str, jobs: int, how: str = "printed") -> list[Outcome]:
    from corpus.fuzz import fuzz_report
    from expectations import Validator

    with ProcessPoolExecutor(jobs) as pool:
        n = len(seeds)
        rendered = list(pool.map(render, seeds, [folder] * n, [how] * n))
        read_back = list(pool.map(read, [s for s, _, _ in rendered], [p for _, p, _ in rendered]))
    outcomes = []
    readable = [(seed, rep) for seed, rep, _ in read_back if not isinstance(rep, str)]
    checks = dict(
        zip(
            [seed for seed, _ in readable],
            Validator().validate_reports([(rep, f"fuzz {seed}") for seed, rep in readable]),
            strict=True,
        )
    )
    for seed, report, seconds in read_back:
        fuzzed = fuzz_report(seed)
        outcome = _compare(fuzzed, report, checks.get(seed, ()), seconds)
        if how == "page":  # the printed layout does not matter on a page; its markup does
            from corpus.fuzz import cms_dimensions

            keep = ("form_rows", "zero_mark", "numbering", "brackets", "digits", "has_table2")
            outcome.dims = {k: v for k, v in outcome.dims.items() if k in keep}
            outcome.dims |= cms_dimensions(seed)
        outcomes.append(outcome)
    return outcomes


def _compare(fuzzed, report, checks, seconds: float) -> Outcome:
    truth = fuzzed.truth()
    out = Outcome(fuzzed.seed, fuzzed.dimensions(), seconds=seconds)
    out.planted = {f["check"] for f in truth["expected_failures"]}
    expected = {
        (t, r, c): v
        for t in ("application", "review", "disclosure")
        for r, cols in truth[t].items()
        for c, v in cols.items()
    }
    out.expected = len(expected)
    if isinstance(report, str):
        out.quarantined, out.refused = report, len(expected)
        return out
    out.pages = report.pages
    if (report.agency, report.year) != (fuzzed.report.agency, fuzzed.report.year):
        out.title_wrong = f"{report.agency} {report.year}"
    out.flagged = {c.check_id for c in checks if not c.success and c.check_id in CHECKED}
    got = {(c.table, c.row, c.col): c.value for c in report.cells}
    for key, value in expected.items():
        read_value = got.get(key)
        if read_value is None:
            out.refused += 1
        elif float(read_value) == float(value):
            out.exact += 1
        else:
            out.wrong += 1
    if out.wrong and out.flagged <= out.planted:
        out.silent = out.wrong
    return out


def table(outcomes: list[Outcome], title: str) -> str:
    def line(name: str, group: list[Outcome]) -> str:
        exp = sum(o.expected for o in group)
        ex = sum(o.exact for o in group)
        return (
            f"| {name} | {len(group)} | {ex}/{exp} ({100 * ex / max(exp, 1):.2f} %) | "
            f"{sum(o.refused for o in group)} | {sum(o.wrong for o in group)} | "
            f"{sum(o.silent for o in group)} | {sum(o.quarantined is not None for o in group)} |"
        )

    lines = [
        f"### {title}",
        "",
        "| group | reports | exact cells | refused | wrong | silent wrong | quarantined |",
        "|---|---|---|---|---|---|---|",
    ]
    lines.append(line("**all**", outcomes))
    by: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        for dim in (
            "renderer",
            "font",
            "form_rows",
            "repeat_header",
            "look_rows_break",
            "unruled",
            "landscape_review",
            "zero_mark",
            "font_size",
            "states_count",
            *(k for k in o.dims if k.startswith("cms_")),  # a page's drawn markup
        ):
            if dim in o.dims or dim == "form_rows":
                value = o.dims.get(dim)
                by[f"{dim}={value}"].append(o)
    for name in sorted(by):
        lines.append(line(name, by[name]))
    planted = sum(len(o.planted) for o in outcomes)
    found = sum(len(o.planted & o.flagged) for o in outcomes)
    spurious = sum(
        1
        for o in outcomes
        if o.quarantined is None and o.exact == o.expected and o.flagged - o.planted
    )
    lines += [
        "",
        f"planted mistakes (check kinds) {planted}, flagged {found}; reports read exactly yet flagged beyond their planting: {spurious}",
    ]
    wrong_titles = [o for o in outcomes if o.title_wrong]
    lines += ["", f"titles (body, year) read wrong: {len(wrong_titles)}"] + [
        f"- seed {o.seed}: {o.title_wrong}" for o in wrong_titles[:10]
    ]
    reasons = Counter(o.quarantined for o in outcomes if o.quarantined)
    if reasons:
        lines += ["", "quarantined:"] + [f"- {n}× {r}" for r, n in reasons.most_common(10)]
    misses = [o for o in outcomes if o.quarantined is None and o.exact < o.expected]
    if misses:
        lines += [
            "",
            "reports with cells not exact (seed: refused/wrong): "
            + ", ".join(f"{o.seed}: {o.refused}/{o.wrong}" for o in misses[:30]),
        ]
    return "\n".join(lines)


def write_slice(seeds: list[int], folder: Path, jobs: int) -> None:
    """PDFs and truth of `seeds`, for tests/extract/test_fuzz_slice.py to read without a
    renderer; manifest.json lists them with their drawn dimensions."""
    import json

    from corpus.fuzz import fuzz_report

    folder.mkdir(parents=True, exist_ok=True)
    with ProcessPoolExecutor(jobs) as pool:
        list(pool.map(render, seeds, [str(folder)] * len(seeds)))
    manifest = []
    for seed in seeds:
        fuzzed = fuzz_report(seed)
        truth = fuzzed.truth()
        (folder / f"fuzz-{seed}.json").write_text(
            json.dumps(truth, ensure_ascii=False, indent=1, default=str) + "\n", encoding="utf-8"
        )
        manifest.append({"seed": seed, "dimensions": fuzzed.dimensions()})
    (folder / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1, default=str) + "\n", encoding="utf-8"
    )
    print(f"{len(seeds)} reports written to {folder}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--train", default="0-99")
    parser.add_argument("--test", default="100000-100299")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="keep the rendered PDFs here")
    parser.add_argument("--only", choices=("train", "test"))
    parser.add_argument(
        "--as",
        dest="how",
        choices=("printed", "page", "docx", "ofd"),
        default="printed",
        help="how each drawn report is published: printed to PDF by the renderer its seed "
        "drew (default), as a CMS detail page, as a Word file, or printed and re-published as OFD",
    )
    parser.add_argument(
        "--write-slice",
        type=Path,
        help="render the --test seeds into this folder with their truth (the committed CI "
        "slice, data/fuzz_slice) and stop",
    )
    args = parser.parse_args()
    if args.write_slice:
        write_slice(list(_span(args.test)), args.write_slice, args.jobs)
        return
    folder = args.keep or Path(tempfile.mkdtemp(prefix="nianbao-fuzz-"))
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("train", "test"):
        if args.only and args.only != name:
            continue
        seeds = list(_span(getattr(args, name)))
        started = time.perf_counter()
        outcomes = judge(seeds, str(folder), args.jobs, args.how)
        pages = sum(o.pages for o in outcomes)
        reading = sum(o.seconds for o in outcomes)
        print(table(outcomes, f"{name} seeds {getattr(args, name)}, published as {args.how}"))
        print(
            f"\nreading: {reading:.1f} s over {pages} pages = {reading / max(pages, 1):.3f} s/page; whole {time.perf_counter() - started:.0f} s\n"
        )


if __name__ == "__main__":
    main()
