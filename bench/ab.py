"""The same warehouse, as fast: this checkout against an earlier revision, in one run.

    python bench/ab.py [--before REV] [--repeat K]

For each side (a git worktree of REV, and this checkout), `nianbao run` in its own process
loads the sample portal and the real reports (../shared/real: three PDFs and a page) into a
fresh warehouse; every SPEC view is then fingerprinted (row count and the sum of its rows'
hashes) without the columns that differ from run to run by design: run ids and timestamps.
The portals are served on fixed ports, so URLs are the same on both sides.

Then speed, alternating the sides K times: the fixed start-up (a portal listing nothing) and
the sample portal's run, and its marginal (run − start-up), as medians with their range.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from nianbao.portal import serve_folder  # noqa: E402

REAL = REPO.parent / "shared" / "real"
VIEWS = (
    "reports",
    "disclosure_stats",
    "application_stats",
    "review_stats",
    "dq_results",
    "cell_provenance",
    "skipped_items",
)
PER_RUN = {"run_id", "checked_at", "fetched_at", "loaded_at", "seen_at"}
PORTS = {"sample": 18761, "real": 18762, "empty": 18763}


def real_portal(root: Path) -> Path:
    """The real PDFs behind a listing page and the real page as a detail page (as the tests'
    real_portal fixture builds it)."""
    import json

    (root / "files").mkdir(parents=True)
    items = []
    for i, path in enumerate(sorted(REAL.glob("*.pdf"))):
        truth = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        title = f"{truth['agency']}{truth['year']}年政府信息公开工作年度报告"
        (root / "files" / path.name).symlink_to(path)
        (root / f"t{i}.html").write_text(
            f'<html><head><meta charset="utf-8"><title>{title}</title></head><body>'
            f'<a href="files/{path.name}">{title}</a></body></html>',
            encoding="utf-8",
        )
        items.append(f'<li><a href="t{i}.html">{title}</a></li>')
    for page in sorted(REAL.glob("*.html")):
        truth = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
        title = f"{truth['agency']}{truth['year']}年政府信息公开年度报告"
        (root / f"p{page.stem}.html").symlink_to(page)
        items.append(f'<li><a href="p{page.stem}.html">{title}</a></li>')
    (root / "index.html").write_text(
        f'<html><head><meta charset="utf-8"></head><body><ul>{"".join(items)}</ul></body></html>',
        encoding="utf-8",
    )
    return root


def empty_portal(root: Path) -> Path:
    root.mkdir(parents=True)
    (root / "index.html").write_text("<html><body><ul></ul></body></html>", encoding="utf-8")
    return root


@contextmanager
def worktree(rev: str) -> Iterator[Path]:
    where = Path(tempfile.mkdtemp(prefix="nianbao-before-")) / "tree"
    subprocess.run(["git", "-C", str(REPO), "worktree", "add", "-q", "--detach", str(where), rev])
    try:
        yield where
    finally:
        subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(where)])


def plain_python(folder: Path) -> Path:
    """A Python that has this environment's packages but not its editable install of nianbao
    (whose import hook would send `import warehouse` to this checkout whatever PYTHONPATH
    says, in the workers too), so that each side runs its own tree's code."""
    import site
    import venv

    venv.EnvBuilder(with_pip=False).create(folder)
    packages = next(p for p in site.getsitepackages() if p.endswith("site-packages"))
    (next(folder.glob("lib/python*/site-packages")) / "shared.pth").write_text(packages + "\n")
    return folder / "bin" / "python"


def nianbao_run(python: Path, tree: Path, source: str, db: Path) -> float:
    """Seconds of `nianbao run --source --db` from the code in `tree`, in its own process."""
    app = "cli.app" if (tree / "cli" / "app.py").exists() else "nianbao.cli"
    code = f"import sys; from {app} import app; sys.argv[0] = 'nianbao'; app()"
    env = {**os.environ, "PYTHONPATH": str(tree)}
    env.pop("PREFECT_API_URL", None)
    started = time.perf_counter()
    done = subprocess.run(
        [str(python), "-c", code, "run", "--source", source, "--db", str(db)],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{tree}: nianbao run exited {done.returncode}\n{done.stderr[-3000:]}")
    return seconds


def fingerprints(db: Path) -> dict[str, tuple[int, int]]:
    with duckdb.connect(str(db), read_only=True) as con:
        out = {}
        for view in VIEWS:
            columns = [r[0] for r in con.execute(f"DESCRIBE {view}").fetchall()]
            kept = ", ".join(f'"{c}"' for c in columns if c not in PER_RUN)
            count, total = con.execute(
                f"SELECT count(*), coalesce(sum(hash({kept})), 0) FROM {view}"
            ).fetchone()
            out[view] = (int(count), int(total))
        return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", default="053dda6", help="the revision to compare with")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    if not REAL.is_dir():
        raise SystemExit(f"{REAL} is missing: the real reports come from ../shared/real")
    scratch = Path(tempfile.mkdtemp(prefix="nianbao-ab-"))
    python = plain_python(scratch / "python")
    with ExitStack() as stack:
        before = stack.enter_context(worktree(args.before))
        sides = {args.before: before, "now": REPO}
        urls = {
            name: stack.enter_context(serve_folder(folder, PORTS[name])) + "index.html"
            for name, folder in (
                ("sample", REPO / "data" / "sample_portal"),
                ("real", real_portal(scratch / "real_portal")),
                ("empty", empty_portal(scratch / "empty_portal")),
            )
        }
        print("same warehouse (views fingerprinted without run ids and timestamps):")
        for portal in ("sample", "real"):
            seen = {}
            for side, tree in sides.items():
                db = scratch / f"{side}-{portal}" / "warehouse.duckdb"
                db.parent.mkdir()
                nianbao_run(python, tree, urls[portal], db)
                seen[side] = fingerprints(db)
            for view in VIEWS:
                a, b = (seen[s][view] for s in sides)
                print(
                    f"  {portal:6} {view:18} rows {a[0]:5} {b[0]:5}  {'same' if a == b else 'DIFFERENT'}"
                )
        timings: dict[tuple[str, str], list[float]] = {}
        for k in range(args.repeat):
            for side, tree in sides.items():
                for portal in ("empty", "sample"):
                    db = scratch / f"t{k}-{side}-{portal}" / "warehouse.duckdb"
                    db.parent.mkdir()
                    timings.setdefault((side, portal), []).append(
                        nianbao_run(python, tree, urls[portal], db)
                    )
        print(f"speed ({args.repeat} runs each, alternating; median and range, seconds):")
        for side in sides:
            empty, sample = timings[(side, "empty")], timings[(side, "sample")]
            marginal = [s - e for s, e in zip(sample, empty, strict=True)]
            print(
                f"  {side:8} start-up {_shown(empty)}   sample run {_shown(sample)}   "
                f"marginal {_shown(marginal)}"
            )
    shutil.rmtree(scratch, ignore_errors=True)


def _shown(values: list[float]) -> str:
    return f"{statistics.median(values):6.2f} ({min(values):.2f}–{max(values):.2f})"


if __name__ == "__main__":
    main()
