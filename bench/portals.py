"""A night over many portals at once: N simulated portals, each on its own loopback address
(127.0.1.1, 127.0.1.2, …: all of 127.0.0.0/8 is this machine's), each with its own listing,
detail pages and report files of its own (sample reports made unique per portal), paced at
the default rate (2 requests a second per host). Each night is one `nianbao run --sources`
in its own process, as cron would start it.

    python bench/portals.py                # N = 1 (40 items), 10, 100
    python bench/portals.py --n 10 --items 4 --baseline
    python bench/portals.py --n 100 --items 10 --floor   # 1,000 reports, and the floor
    python bench/portals.py --n 1 --served    # nights reporting to a running server
    python bench/portals.py --n 100 --items 10 --before REV --repeat 2   # cold, A/B

Prints per N: the cold night, a warm night (nothing changed), requests made on the warm night
per portal (and which), the number of report files, and the largest process's peak RSS; then
a night a period on (the warehouse's askings dated 7 days back: the files and walks whose
night of the rotation it is are asked again); with
--floor, the cold night's floor measured in the same run (cold_floor). With
--baseline, the same portals also one after another, one `nianbao run --source` each, as
nights were run before issue 15: that run's cold and warm times, and the ratios. With
--before REV, only cold nights on the same portals, alternating the code of REV (a git
worktree, as ab.py runs it) and this checkout, --repeat times each: medians, ranges, ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PORTAL, TRUTH = REPO / "data" / "sample_portal", REPO / "data" / "sample_truth"
PACKAGES = ("cli", "flows", "extract", "expectations", "warehouse", "nianbao")


def sample_files() -> list[bytes]:
    manifest = json.loads((TRUTH / "manifest.json").read_text(encoding="utf-8"))
    return [
        (PORTAL / m["path"]).read_bytes()
        for m in manifest
        if m["kind"] == "report" and m["expected"] == "loaded" and m["path"].endswith(".pdf")
    ]


class Portal:
    """A static portal on `host`: /col/index.html lists `items` detail pages, each linking one
    PDF (a sample report with a comment after %%EOF naming the portal: a file of its own).
    Files answer with an ETag and honour If-None-Match; every request is counted."""

    def __init__(self, host: str, n: int, items: int, files: list[bytes]) -> None:
        self.requests: Counter[str] = Counter()
        routes: dict[str, tuple[bytes, str, str]] = {}
        links = []
        for i in range(items):
            body = files[(n + i) % len(files)] + f"\n%portal {host} item {i}\n".encode()
            routes[f"/col/{i}.pdf"] = (body, "application/pdf", f'"{host}-{i}"')
            page = f'<html><body><a href="{i}.pdf">附件</a></body></html>'
            routes[f"/col/{i}.html"] = (page.encode(), "text/html; charset=utf-8", "")
            links.append(f'<li><a href="{i}.html">2023年度政府信息公开工作年度报告 {i}</a></li>')
        listing = f'<html><meta charset="utf-8"><body><ul>{"".join(links)}</ul></body></html>'
        routes["/col/index.html"] = (listing.encode(), "text/html; charset=utf-8", "")
        portal = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                path = self.path.split("?", 1)[0]
                portal.requests[path] += 1
                found = routes.get(path)
                if found is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body, kind, etag = found
                if etag and self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                if etag:
                    self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self.server = ThreadingHTTPServer((host, 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.listing = f"http://{host}:{self.server.server_address[1]}/col/index.html"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def portals(n: int, items: int) -> Iterator[list[Portal]]:
    files = sample_files()
    with ExitStack() as stack:
        raised = []
        for i in range(n):
            portal = Portal(f"127.0.1.{i + 1}", i, items, files)
            stack.callback(portal.close)
            raised.append(portal)
        yield raised


def command_env(**more: str) -> dict[str, str]:
    """The environment of the commands the bench starts: no analytics, and no PREFECT_API_URL
    (a run reports to the server on 127.0.0.1:4200 if one answers, else starts its own)."""
    env = {
        **os.environ,
        "GX_ANALYTICS_ENABLED": "False",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        **more,
    }
    env.pop("PREFECT_API_URL", None)
    return env


def night(
    args: list[str],
    db: Path,
    env: dict[str, str],
    nianbao: list[str] | None = None,
    cwd: Path | None = None,
) -> float:
    """Until the command exits, as cron or a shell waits (`nianbao`: how the command is
    started, by default this environment's). Its output goes to a file, not a pipe: the
    workers' forkserver inherits the pipe and may finish its preload (seconds of GX build, at
    low priority) after the command is gone, which a pipe's reader would wait out."""
    command = nianbao or [str(Path(sys.executable).parent / "nianbao")]
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        subprocess.run(
            [*command, "run", *args, "--db", str(db)],
            check=True,
            cwd=cwd,
            env=env,
            stdout=out,
            stderr=out,
        )
    return time.perf_counter() - started


def aged(db: Path, days: int) -> Path:
    """The warehouse as it would be `days` later: every file and every column walk last asked
    that much earlier (what a night a period on sees; nothing else in it is dated by night)."""
    import duckdb

    con = duckdb.connect(str(db))
    try:
        con.execute(f"UPDATE fetch_cache SET checked_on = checked_on - {days}")
        con.execute(f"UPDATE listing_walks SET walked_on = walked_on - {days}")
    finally:
        con.close()
    return db


def _kinds(asked: Counter[str]) -> str:
    """Requests by kind: robots.txt, listing pages, detail pages, files."""
    kinds: Counter[str] = Counter()
    for path, count in asked.items():
        kind = (
            "robots.txt"
            if path == "/robots.txt"
            else "listing"
            if "index" in path
            else "files"
            if path.endswith(".pdf")
            else "detail pages"
        )
        kinds[kind] += count
    return ", ".join(f"{k} {v}" for k, v in sorted(kinds.items()))


def sources_file(raised: list[Portal], folder: Path, slow: float | None = None) -> Path:
    """The portals as a sources file; with `slow`, the last one paced at that many requests
    a second (a column that takes long to crawl)."""
    path = folder / "sources.toml"
    entries = [
        f'[[source]]\nname = "p{i}"\nlisting = "{p.listing}"\n' for i, p in enumerate(raised)
    ]
    if slow is not None:
        entries[-1] += f"rate_per_second = {slow}\n"
    path.write_text("\n".join(entries), encoding="utf-8")
    return path


@contextmanager
def serve_like(running: bool) -> Iterator[None]:
    """With `running`, a Prefect server on 127.0.0.1:4200 for the block, as `nianbao serve`
    leaves one (each night's run reports to it); else none, each run starts its own."""
    if not running:
        yield
        return
    sys.path.insert(0, str(REPO))
    from cli.prefect_server import SERVE_PORT, PrefectServer

    server = PrefectServer(SERVE_PORT)
    server.start()
    try:
        server.wait_ready()
        yield
    finally:
        server.stop()


def measure(n: int, items: int, baseline: bool, floor: bool) -> None:
    env = command_env(COLUMNS="200")
    with tempfile.TemporaryDirectory() as tmp, portals(n, items) as raised:
        folder = Path(tmp)
        sources = sources_file(raised, folder)
        db = folder / "one" / "w.duckdb"
        cold = night(["--sources", str(sources)], db, env)
        slowest_host = max(sum(p.requests.values()) for p in raised)
        for p in raised:
            p.requests.clear()
        warm = night(["--sources", str(sources)], db, env)
        asked = Counter(path for p in raised for path in p.requests.elements())
        per_portal = sum(asked.values()) / n
        rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(
            f"N={n:3d} ({n * items} files): cold {cold:6.1f} s, warm {warm:5.1f} s "
            f"(warm/cold {warm / cold:.2f}), warm requests per portal {per_portal:.2f} "
            f"({', '.join(f'{k} {v}' for k, v in sorted(asked.items())[:4])}{', …' if len(asked) > 4 else ''}), "
            f"peak RSS {rss:.0f} MB",
            flush=True,
        )
        for p in raised:
            p.requests.clear()
        later = night(["--sources", str(sources)], aged(db, days=7), env)
        asked = Counter(path for p in raised for path in p.requests.elements())
        print(
            f"      a night a period on (every file and walk last asked 7 days ago, each due on "
            f"its own night of the rotation): {later:5.1f} s, requests per portal "
            f"{sum(asked.values()) / n:.2f} ({_kinds(asked)})",
            flush=True,
        )
        if floor:
            print(cold_floor(cold, slowest_host, n, items, env), flush=True)
        if not baseline:
            return
        db = folder / "each" / "w.duckdb"
        old_env = {**env, "NIANBAO_REVALIDATE_DAYS": "1", "NIANBAO_FULL_WALK_DAYS": "1"}
        cold_each = sum(night(["--source", p.listing], db, old_env) for p in raised)
        warm_each = sum(night(["--source", p.listing], db, old_env) for p in raised)
        print(
            f"      baseline, one run per portal, every page asked: cold {cold_each:6.1f} s, "
            f"warm {warm_each:5.1f} s; one night over all: cold {cold / cold_each:.2f}×, "
            f"warm {warm / warm_each:.2f}× of it",
            flush=True,
        )


def cold_floor(cold: float, slowest_host: int, n: int, items: int, env: dict[str, str]) -> str:
    """The cold night's floor, measured in the same run: the fixed start-up (a run on a portal
    listing nothing, unpaced), plus the larger of the slowest host's requests at its pace and
    reading every file on the cores (each file's extraction timed here, one at a time)."""
    sys.path.insert(0, str(REPO))
    from extract.report import extract_report
    from nianbao.settings import Settings

    rate = Settings().rate_per_second
    files = sample_files()
    seconds = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, body in enumerate(files):
            path = Path(tmp) / f"{i}.pdf"
            path.write_bytes(body)
            started = time.perf_counter()
            extract_report(path)
            seconds.append(time.perf_counter() - started)
        with portals(1, 0) as (empty,):
            fixed = night(
                ["--source", empty.listing],
                Path(tmp) / "w.duckdb",
                {**env, "NIANBAO_RATE_PER_SECOND": "0"},
            )
    cores = os.cpu_count() or 1
    # the night's files are the sample files in turn (Portal: files[(n + i) % len(files)])
    reading = sum(seconds[(p + i) % len(files)] for p in range(n) for i in range(items)) / cores
    pacing = (slowest_host - 1) / rate
    floor = fixed + max(pacing, reading)
    return (
        f"      floor {floor:.1f} s = start-up {fixed:.1f} s + max(slowest host's "
        f"{slowest_host} requests at {rate:g}/s {pacing:.1f} s, reading {n * items} files on "
        f"{cores} cores {reading:.1f} s); cold night / floor {cold / floor:.2f}"
    )


def startup(repeat: int) -> None:
    """The fixed start-up: a run on a portal listing nothing, with no Prefect server running
    (the run starts its own) and against one `nianbao serve` would leave on 127.0.0.1:4200;
    at the default pace (robots.txt then the listing: one pace step, 0.5 s at 2 requests a
    second, is the portal's floor, not start-up) and unpaced (the fixed part alone)."""
    sys.path.insert(0, str(REPO))
    from cli.prefect_server import SERVE_PORT, running_server

    env = command_env()
    if running_server() is not None:
        raise SystemExit(f"a Prefect server already answers on port {SERVE_PORT}: stop it first")
    for pace, label in ((None, "at the default pace"), ("0", "unpaced (the fixed part)")):
        paced = env if pace is None else {**env, "NIANBAO_RATE_PER_SECOND": pace}
        own, shared, first = _startups(repeat, paced)
        mid_own, mid_shared = sorted(own)[len(own) // 2], sorted(shared)[len(shared) // 2]
        print(
            f"start-up {label} (a portal listing nothing, median of {repeat}): its own "
            f"temporary server {mid_own:.2f} s ({min(own):.2f}–{max(own):.2f}); a running "
            f"server reused {mid_shared:.2f} s ({min(shared):.2f}–{max(shared):.2f}; its first "
            f"run {first:.2f} s); ratio {mid_shared / mid_own:.2f}",
            flush=True,
        )


def _startups(repeat: int, env: dict[str, str]) -> tuple[list[float], list[float], float]:
    from cli.prefect_server import SERVE_PORT, PrefectServer

    with tempfile.TemporaryDirectory() as tmp, portals(1, 0) as (empty,):
        db = Path(tmp) / "w.duckdb"
        own = [night(["--source", empty.listing], db, env) for _ in range(repeat)]
        server = PrefectServer(SERVE_PORT)
        server.start()
        try:
            server.wait_ready()
            # its first run meets a server still starting its services: shown, not counted
            first = night(["--source", empty.listing], db, env)
            shared = [night(["--source", empty.listing], db, env) for _ in range(repeat)]
        finally:
            server.stop()
    return own, shared, first


def before_after(
    n: int, items: int, before: str, repeat: int, warm: int, slow: float | None = None
) -> None:
    """Cold nights over the same portals, alternating REV's code and this checkout's, each
    in its own fresh warehouse, and after each cold night `warm` warm nights on it; with
    `slow`, the last portal is paced at that rate."""
    import statistics

    from ab import plain_python, worktree

    env = command_env()
    code = "import sys; from cli.app import entry; sys.argv[0] = 'nianbao'; entry()"
    with (
        tempfile.TemporaryDirectory() as tmp,
        worktree(before) as old,
        portals(n, items) as raised,
    ):
        python = plain_python(Path(tmp) / "python")
        sources = sources_file(raised, Path(tmp), slow)
        sides = {before: old, "now": REPO}
        for tree in sides.values():  # as `make setup` leaves a checkout
            subprocess.run([str(python), "-m", "compileall", "-q", *PACKAGES], cwd=tree, check=True)
        colds: dict[str, list[float]] = {name: [] for name in sides}
        warms: dict[str, list[float]] = {name: [] for name in sides}
        for k in range(repeat):
            for name, tree in sides.items():
                db = Path(tmp) / f"{name}-{k}.duckdb"

                def one_night(tree: Path = tree, db: Path = db) -> float:
                    return night(
                        ["--sources", str(sources)],
                        db,
                        {**env, "PYTHONPATH": str(tree)},
                        nianbao=[str(python), "-c", code],
                        cwd=tree,
                    )

                colds[name].append(one_night())
                warms[name] += [one_night() for _ in range(warm)]
    for name in sides:
        print(f"N={n:3d} ({n * items} files) {name:>8}: {_spread('cold', colds[name])}", end="")
        cold = statistics.median(colds[name])
        if warms[name]:
            warm_night = statistics.median(warms[name])
            print(f", {_spread('warm', warms[name])}, warm/cold {warm_night / cold:.3f}", end="")
        print(flush=True)
    for kind, times in (("cold", colds), ("warm", warms)):
        if times["now"]:
            ratio = statistics.median(times["now"]) / statistics.median(times[before])
            print(f"      {kind}: now / {before}: {ratio:.2f}", flush=True)


def _spread(kind: str, seconds: list[float]) -> str:
    import statistics

    return (
        f"{kind} {statistics.median(seconds):6.2f} s ({min(seconds):.2f}–{max(seconds):.2f}, "
        f"{len(seconds)} nights)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, action="append", help="portals (repeatable)")
    parser.add_argument("--items", type=int, help="items per portal (default: 40 for N=1, else 2)")
    parser.add_argument("--baseline", action="store_true")
    parser.add_argument("--startup", type=int, metavar="K", help="only the start-up, K runs each")
    parser.add_argument(
        "--floor", action="store_true", help="also the cold night's floor, measured in the same run"
    )
    parser.add_argument(
        "--served",
        action="store_true",
        help="nights report to a running Prefect server (as under `nianbao serve`), not each "
        "to a temporary one of its own",
    )
    parser.add_argument("--before", metavar="REV", help="cold nights against REV's code, A/B")
    parser.add_argument(
        "--repeat", type=int, default=2, help="with --before: cold nights each side"
    )
    parser.add_argument(
        "--warm", type=int, default=0, help="with --before: warm nights after each cold one"
    )
    parser.add_argument(
        "--slow",
        type=float,
        metavar="RATE",
        help="with --before: the last portal paced at RATE requests a second (a slow column)",
    )
    args = parser.parse_args()
    if args.before:
        for n in args.n or [100]:
            before_after(n, args.items or 10, args.before, args.repeat, args.warm, args.slow)
        return
    if args.startup:
        startup(args.startup)
        return
    with serve_like(args.served):
        for n in args.n or [1, 10, 100]:
            measure(n, args.items or (40 if n == 1 else 2), args.baseline, args.floor)


if __name__ == "__main__":
    main()
