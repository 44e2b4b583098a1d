"""A CPU hog beside a benchmark: ``background_load(n)`` keeps ``n`` busy-looping processes running while inside."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

HOG = "while True:\n    pass\n"


def load_now() -> dict[str, object]:
    """The machine's load as ``/proc/loadavg`` (or :func:`os.getloadavg`) says it, for the JSON beside each figure."""
    try:
        with open("/proc/loadavg", encoding="ascii") as f:
            fields = f.read().split()
        return {"loadavg_1_5_15": [float(v) for v in fields[:3]], "runnable_now": fields[3]}
    except OSError:
        return {"loadavg_1_5_15": [round(v, 2) for v in os.getloadavg()]}


@contextmanager
def background_load(n: int, settle_s: float = 1.0) -> Iterator[list[int]]:
    """Run ``n`` Python busy loops (each one runnable thread) until the block ends; yields their pids."""
    procs = [subprocess.Popen([sys.executable, "-c", HOG], stdin=subprocess.DEVNULL) for _ in range(max(0, n))]
    try:
        if procs:
            time.sleep(settle_s)  # started and spinning before the first measurement
        yield [p.pid for p in procs]
    finally:
        for p in procs:
            p.kill()
        for p in procs:
            p.wait()
