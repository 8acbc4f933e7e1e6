"""Speed of nianbao against plain camelot on the same files, measured in one run.

    python bench/speed.py [--copies N] [--repeat K]

1. extraction alone: extract_report per page vs camelot.read_pdf(pages="all") per page;
2. a whole `nianbao run` (its own process, fresh warehouse) on the corpus portal, minus the
   same run on a portal listing no reports (the fixed start-up), vs plain camelot on the files;
3. 1 worker process vs 2, on the corpus's reports published N times over (distinct bytes, so
   nothing is skipped as already seen) to give the workers enough to do: the whole run's
   marginal time, and the reading alone (the same forkserver, no Prefect, no downloads);
4. paced downloads (--rate a second): how much of the reading the downloads hid, against
   the same run unpaced.

Runs 2 and 3 are repeated (--repeat, alternating the configurations) and reported as median
and range: on this 2-core machine single runs vary by about ±10 %.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")

import camelot  # noqa: E402

from extract.pdf import read_pdf_text  # noqa: E402
from extract.report import extract_report  # noqa: E402
from nianbao.portal import serve_folder  # noqa: E402

PORTAL = REPO / "data" / "sample_portal"
TRUTH = REPO / "data" / "sample_truth"
REAL = REPO.parent / "shared" / "real"


def report_pdfs() -> list[Path]:
    manifest = json.loads((TRUTH / "manifest.json").read_text(encoding="utf-8"))
    return [PORTAL / m["path"] for m in manifest if m["kind"] == "report"] + sorted(
        REAL.glob("*.pdf")
    )


def plain_camelot(pdfs: list[Path]) -> float:
    t0 = time.perf_counter()
    for pdf in pdfs:
        with (
            warnings.catch_warnings(),
            contextlib.suppress(Exception),
        ):  # broken files fail here too
            warnings.simplefilter("ignore")
            camelot.read_pdf(str(pdf), pages="all")
    return time.perf_counter() - t0


def ours(pdfs: list[Path]) -> float:
    t0 = time.perf_counter()
    for pdf in pdfs:
        extract_report(pdf)
    return time.perf_counter() - t0


def reading_in_processes(pdfs: list[Path], workers: int) -> float:
    """Extraction of `pdfs` across `workers` processes forked from the run's forkserver."""
    from concurrent.futures import ProcessPoolExecutor

    from flows.pool import forkserver

    forkserver.start()
    with ProcessPoolExecutor(1, mp_context=forkserver.context()) as pool:
        pool.submit(int).result()  # the server's preload (~1.5 s) is over before timing
    t0 = time.perf_counter()
    with ProcessPoolExecutor(workers, mp_context=forkserver.context()) as pool:
        list(pool.map(_read_quietly, pdfs, chunksize=max(1, len(pdfs) // (8 * workers))))
    return time.perf_counter() - t0


def _read_quietly(pdf: Path) -> None:
    with contextlib.suppress(Exception):  # an unreadable file costs its time, as in a run
        extract_report(pdf)


def nianbao_run(portal: Path, workers: int, rate: float = 0.0) -> float:
    env = {
        **os.environ,
        "NIANBAO_WORKERS": str(workers),
        # a loopback portal: pacing would time only the pauses (except in part 4)
        "NIANBAO_RATE_PER_SECOND": str(rate),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    }
    with tempfile.TemporaryDirectory() as tmp, serve_folder(portal) as base:
        t0 = time.perf_counter()
        subprocess.run(
            [
                str(Path(sys.executable).parent / "nianbao"),
                "run",
                "--source",
                base + "index.html",
                "--db",
                f"{tmp}/w.duckdb",
            ],
            check=True,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return time.perf_counter() - t0


def listing(folder: Path, files: list[Path]) -> None:
    links = "".join(
        f'<li><a href="files/{f.name}">{f.stem} 政府信息公开工作年度报告</a></li>' for f in files
    )
    (folder / "index.html").write_text(
        f'<html><head><meta charset="utf-8"></head><body><ul>{links}</ul></body></html>',
        encoding="utf-8",
    )


def scaled_portal(folder: Path, pdfs: list[Path], copies: int) -> list[Path]:
    """The reports `copies` times over, each copy with a distinct trailing comment (same content)."""
    (folder / "files").mkdir(parents=True)
    out = []
    for n in range(copies):
        for pdf in pdfs:
            target = folder / "files" / f"{pdf.stem}-{n}.pdf"
            target.write_bytes(pdf.read_bytes() + f"\n% nianbao bench copy {n}\n".encode())
            out.append(target)
    listing(folder, out)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--copies", type=int, default=3)
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of each configuration (single runs vary ±10 %%)"
    )
    parser.add_argument("--rate", type=float, default=10.0, help="downloads a second in part 4")
    args = parser.parse_args()
    pdfs = report_pdfs()
    total_pages = sum(read_pdf_text(p).pages for p in pdfs)
    extract_report(pdfs[0])  # imports and caches outside the timings
    t_ours, t_plain = ours(pdfs), plain_camelot(pdfs)
    print(f"1. extraction on {len(pdfs)} reports, {total_pages} pages:")
    print(f"   nianbao extract_report  {t_ours:7.2f} s  {t_ours / total_pages:.3f} s/page")
    print(f"   plain camelot (all)     {t_plain:7.2f} s  {t_plain / total_pages:.3f} s/page")
    print(f"   ratio                   {t_ours / t_plain:.3f}")

    with tempfile.TemporaryDirectory() as tmp:
        empty = Path(tmp) / "empty"
        empty.mkdir()
        listing(empty, [])
        corpus_files = sorted(p for p in PORTAL.rglob("*.pdf"))
        fixed, whole = [], []
        for _ in range(args.repeat):  # alternated, so drift on the machine hits both alike
            fixed.append(nianbao_run(empty, 2))
            whole.append(nianbao_run(PORTAL, 2))
        marginal = [w - f for w, f in zip(whole, fixed, strict=True)]
        plain = plain_camelot(corpus_files)
        print(
            f"2. nianbao run on the corpus portal ({len(corpus_files)} files), 2 workers, {args.repeat} runs each:"
        )
        print(f"   fixed start-up (empty-portal run)  {_spread(fixed)}")
        print(f"   run                                {_spread(whole)}")
        print(f"   marginal (run − fixed, paired)     {_spread(marginal)}")
        print(
            f"   plain camelot on the same files {plain:.2f} s; median marginal / plain = "
            f"{statistics.median(marginal) / plain:.3f}"
        )

        big = Path(tmp) / "big"
        files = scaled_portal(big, pdfs, args.copies)
        one, two = [], []
        for _ in range(args.repeat):
            one.append(nianbao_run(big, 1) - statistics.median(fixed))
            two.append(nianbao_run(big, 2) - statistics.median(fixed))
        ratios = [a / b for a, b in zip(one, two, strict=True)]
        print(f"3. {len(files)} distinct report files, marginal (run − median fixed):")
        print(f"   1 worker   {_spread(one)}")
        print(f"   2 workers  {_spread(two)}")
        print(
            f"   speed-up (paired runs): median {statistics.median(ratios):.2f}×, "
            f"range {min(ratios):.2f}–{max(ratios):.2f}×"
        )
        alone = [
            (reading_in_processes(files, 1), reading_in_processes(files, 2))
            for _ in range(args.repeat)
        ]
        read_ratios = [a / b for a, b in alone]
        print(f"   reading alone, 1 process  {_spread([a for a, _ in alone])}")
        print(f"   reading alone, 2 processes {_spread([b for _, b in alone])}")
        print(
            f"   reading alone speed-up: median {statistics.median(read_ratios):.2f}×, "
            f"range {min(read_ratios):.2f}–{max(read_ratios):.2f}×"
        )

        paced = nianbao_run(big, 2, args.rate) - statistics.median(fixed)
        unpaced = statistics.median(two)
        pauses = len(files) / args.rate
        print(
            f"4. the same {len(files)} files paced at {args.rate:g} downloads a second, 2 workers:"
        )
        print(
            f"   marginal {paced:.2f} s; the pacing alone {pauses:.2f} s, the run unpaced {unpaced:.2f} s"
        )
        print(
            f"   reading hidden behind the downloads: {pauses + unpaced - paced:.2f} s "
            f"of {unpaced:.2f} s"
        )
        shutil.rmtree(big)


def _spread(times: list[float]) -> str:
    return f"median {statistics.median(times):6.2f} s  (range {min(times):.2f}–{max(times):.2f} s)"


if __name__ == "__main__":
    main()
