"""Test helpers that watch real processes through /proc (no psutil): who runs, who is whose child."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

EXIT_WAIT_S = 30.0  # generous on a loaded 2-core machine; tests print the measured figure, never assert it


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie waiting for its new parent to reap it counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def children_of(pid: int) -> list[int]:
    """Processes whose parent is ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def wait_gone(pids: list[int], timeout: float = EXIT_WAIT_S) -> float:
    """Seconds until none of ``pids`` runs; kills the survivors and fails the test after ``timeout``."""
    t0 = time.monotonic()
    while any(alive(p) for p in pids):
        if time.monotonic() - t0 > timeout:
            left = [p for p in pids if alive(p)]
            for p in left:
                os.kill(p, signal.SIGKILL)
            pytest.fail(f"processes {left} still ran {timeout:.0f} s after their parent died or was told to close")
        time.sleep(0.02)
    return time.monotonic() - t0


def partials(runs_dir: Path, name: str) -> list[Path]:
    """The hidden ``.NAME.partial-*`` folders a run being written leaves."""
    return sorted(runs_dir.glob(f".{name}.partial-*"))
