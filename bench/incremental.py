"""A warm nightly run against a cold one, on the corpus portal, each `nianbao run` in its own process.

    python bench/incremental.py

Prints per run: wall time, files downloaded, files extracted, and whether any row of the SPEC
views changed; then warm / cold, also after taking off the fixed start-up (a run on a portal
listing no reports).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from nianbao.portal import serve_folder  # noqa: E402

VIEWS = ("reports", "application_stats", "review_stats", "disclosure_stats", "dq_results")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run(source: str, db: Path) -> tuple[float, str]:
    env = {
        **os.environ,
        "GX_ANALYTICS_ENABLED": "False",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "COLUMNS": "200",
        "NIANBAO_RATE_PER_SECOND": "0",  # a loopback portal: pacing would time only the pauses
    }
    t0 = time.perf_counter()
    out = subprocess.run(
        [str(Path(sys.executable).parent / "nianbao"), "run", "--source", source, "--db", str(db)],
        check=True,
        env=env,
        capture_output=True,
        text=True,
    ).stdout
    return time.perf_counter() - t0, out


def counts(output: str) -> str:
    found = re.search(r"downloaded: (\d+)\s+extracted: (\d+)", output)
    return f"downloaded {found.group(1)}, extracted {found.group(2)}" if found else "?"


def fingerprint(db: Path) -> dict[str, tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            v: con.execute(f"SELECT count(*), sum(hash(columns(*))) FROM {v}").fetchone()
            for v in VIEWS
        }
    finally:
        con.close()


def main() -> None:
    port = free_port()  # the same URLs both nights, as on a real portal
    with tempfile.TemporaryDirectory() as tmp:
        empty = Path(tmp) / "empty"
        empty.mkdir()
        (empty / "index.html").write_text("<html><body></body></html>", encoding="utf-8")
        with serve_folder(empty) as base:
            fixed, _ = run(base + "index.html", Path(tmp) / "empty.duckdb")
        db = Path(tmp) / "w.duckdb"
        with serve_folder(REPO / "data" / "sample_portal", port) as base:
            cold, cold_out = run(base + "index.html", db)
            before = fingerprint(db)
            warm, warm_out = run(base + "index.html", db)
        changed = [v for v, fp in fingerprint(db).items() if fp != before[v]]
    print(f"fixed start-up (empty portal): {fixed:.2f} s")
    print(f"cold run: {cold:.2f} s ({counts(cold_out)})")
    print(f"warm run: {warm:.2f} s ({counts(warm_out)}); views changed: {changed or 'none'}")
    print(
        f"warm / cold: {warm / cold:.3f}; marginal warm / marginal cold: {(warm - fixed) / (cold - fixed):.3f}"
    )


if __name__ == "__main__":
    main()
