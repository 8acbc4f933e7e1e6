"""Real filesystems that misbehave: a small tmpfs that fills up, a folder mounted read-only.
CI runs as root (as this machine does), so `mount` works; if it does not, the test fails and
says why rather than pretending."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _mount(*args: str) -> None:
    done = subprocess.run(["mount", *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise AssertionError(
            f"mount {' '.join(args)} failed (these tests need root): {done.stderr}"
        )


@contextmanager
def tmpfs(folder: Path, size_kb: int) -> Iterator[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    _mount("-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(folder))
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


@contextmanager
def read_only(folder: Path) -> Iterator[Path]:
    """`folder` mounted over itself read-only for the block."""
    _mount("--bind", str(folder), str(folder))
    try:
        _mount("-o", "remount,bind,ro", str(folder))
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def fill(folder: Path, leave_bytes: int = 0) -> Path:
    """Write a filler file until the filesystem of `folder` has `leave_bytes` left (or less)."""
    filler = folder / "filler"
    with filler.open("wb", buffering=0) as fh:
        try:
            while True:
                fh.write(b"\0" * 4096)
        except OSError:
            pass
    if leave_bytes:
        with filler.open("r+b") as fh:
            fh.truncate(max(0, filler.stat().st_size - leave_bytes))
    return filler
