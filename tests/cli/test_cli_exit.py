"""The `nianbao` command as a process ends without the interpreter's teardown (cli.entry):
its status, its output and its exit handlers must all survive that."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

NIANBAO = str(Path(sys.executable).with_name("nianbao"))


def _nianbao(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [NIANBAO, *args], cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )


def test_a_refused_command_keeps_its_status_and_its_reason(tmp_path: Path) -> None:
    done = _nianbao("run", "--sources", str(tmp_path / "missing.toml"), cwd=tmp_path)
    assert done.returncode == 2
    assert "missing.toml" in done.stdout + done.stderr


def test_the_output_of_a_finished_command_is_all_written(tmp_path: Path) -> None:
    done = _nianbao("--help", cwd=tmp_path)
    assert done.returncode == 0
    assert "run" in done.stdout and "serve" in done.stdout and done.stdout.endswith("\n")


def test_exit_handlers_run_before_the_process_ends(tmp_path: Path) -> None:
    """What registers an atexit handler (Prefect drains its workers in one, tempfile removes
    its folders) still has it run."""
    marker = tmp_path / "ran"
    code = (
        "import atexit, pathlib, sys; sys.argv = ['nianbao', '--version']\n"
        f"atexit.register(pathlib.Path({str(marker)!r}).touch)\n"
        "import cli; cli.entry()"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert marker.exists()
