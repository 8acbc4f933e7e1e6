"""Score `nianbao run` on the generated corpus (data/sample_portal) against its truth.

    python bench/score_corpus.py [--portal DIR] [--truth DIR]

Runs `nianbao run` as a user would (its own process, a fresh warehouse) on the portal served
on 127.0.0.1, then compares the SPEC views with the truth: cells exact per table and per
variant, silent wrong cells, DQ flags found vs planted, each special file's outcome. Then times
plain `camelot.read_pdf(pages="all")` over the same PDFs in this process, for the ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from corpus.score import format_score, score  # noqa: E402
from nianbao.portal import serve_folder  # noqa: E402


def run_nianbao(source: str, db: Path) -> float:
    env = {
        **os.environ,
        "GX_ANALYTICS_ENABLED": "False",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "NIANBAO_RATE_PER_SECOND": "0",  # a loopback portal: pacing would time only the pauses
    }
    nianbao = Path(sys.executable).parent / "nianbao"
    t0 = time.perf_counter()
    subprocess.run(
        [str(nianbao), "run", "--source", source, "--db", str(db)],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - t0


def plain_camelot_seconds(pdfs: list[Path]) -> tuple[float, int]:
    import camelot

    t0 = time.perf_counter()
    read = 0
    for pdf in pdfs:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                camelot.read_pdf(str(pdf), pages="all")
                read += 1
            except Exception:  # the broken special files: plain camelot fails on them too
                pass
    return time.perf_counter() - t0, read


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--portal", type=Path, default=REPO / "data" / "sample_portal")
    parser.add_argument("--truth", type=Path, default=REPO / "data" / "sample_truth")
    args = parser.parse_args()
    manifest = json.loads((args.truth / "manifest.json").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp, serve_folder(args.portal) as base:
        db = Path(tmp) / "warehouse.duckdb"
        run_seconds = run_nianbao(base + "index.html", db)
        result = score(db, args.portal, args.truth, manifest)
    pdfs = [args.portal / m["path"] for m in manifest if (args.portal / m["path"]).is_file()]
    plain, read = plain_camelot_seconds(pdfs)
    print(format_score(result))
    print()
    print(
        f"nianbao run (own process, incl. start-up): {run_seconds:.2f} s for {len(manifest)} attachments"
    )
    print(
        f"plain camelot.read_pdf(pages='all') on the same {len(pdfs)} files ({read} readable): {plain:.2f} s"
    )
    print(f"ratio nianbao run / plain camelot: {run_seconds / plain:.3f}")


if __name__ == "__main__":
    main()
