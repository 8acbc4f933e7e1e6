"""What judging a report costs against reading it, on the same reports in the same run.

    python bench/validation.py [--repeat N]

For each of the sample portal's report PDFs: the seconds `extract_report` takes to read it
(the baseline), then the seconds `Validator.validate_report` takes to judge what was read
alone (one Great Expectations validation, one expectation per check), and the seconds per
report `Validator.validate_reports` takes to judge them all in order (a few reports to a
validation, as the workers judge a task's files), after the GX context was built once (its
build time printed apart: a run pays it once, in a worker, while files download). Prints
each per report and the ratios to reading.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")

from expectations import Validator  # noqa: E402
from extract.report import extract_report  # noqa: E402
from nianbao.errors import TerminalError  # noqa: E402
from nianbao.records import ExtractedReport  # noqa: E402

SAMPLE = REPO / "data" / "sample_portal"


def readable(paths: list[Path]) -> list[tuple[Path, ExtractedReport, float]]:
    """(file, what was read, seconds to read it) of every file that reads."""
    out = []
    for path in paths:
        started = time.perf_counter()
        try:
            report = extract_report(path)
        except TerminalError:
            continue
        out.append((path, report, time.perf_counter() - started))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="validations of each report")
    args = parser.parse_args()
    paths = sorted(SAMPLE.rglob("*.pdf"))
    reports = readable(paths)
    validator = Validator()
    started = time.perf_counter()
    validator.build()
    built = time.perf_counter() - started
    judged = []
    for path, report, _ in reports:
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            validator.validate_report(report, f"{report.agency} {report.year} ({path.stem})")
            times.append(time.perf_counter() - started)
        judged.append(statistics.median(times))
    together = []
    labelled = [(r, f"{r.agency} {r.year} ({path.stem})") for path, r, _ in reports]
    for _ in range(args.repeat):
        started = time.perf_counter()
        validator.validate_reports(labelled)
        together.append((time.perf_counter() - started) / len(reports))
    read = [seconds for _, _, seconds in reports]
    per_read, per_judge = statistics.mean(read), statistics.mean(judged)
    per_together = statistics.median(together)
    print(f"{len(reports)} reports of the sample portal ({len(paths)} PDFs)")
    print(f"  read (extract_report)          {per_read:6.3f} s per report")
    print(
        f"  judged alone (a validation)    {per_judge:6.3f} s per report (median of {args.repeat})"
    )
    print(f"  judged together (in order)     {per_together:6.3f} s per report")
    print(f"  ratio judged alone / read      {per_judge / per_read:6.3f}")
    print(f"  ratio judged together / read   {per_together / per_read:6.3f}")
    print(f"  together / alone               {per_together / per_judge:6.3f}")
    print(f"  GX context and suites built    {built:6.2f} s, once per process")


if __name__ == "__main__":
    main()
