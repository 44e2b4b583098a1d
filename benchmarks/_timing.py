"""The benchmarks' one timing helper: the median of repeated calls, in milliseconds."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_ms(fn: Callable[[], object], repeats: int, clock: Callable[[], float] = time.perf_counter,
              digits: int = 3) -> float:
    """The median time of ``repeats`` calls of ``fn`` by ``clock`` (wall time by default), in ms."""
    times = []
    for _ in range(repeats):
        t = clock()
        fn()
        times.append(clock() - t)
    return round(statistics.median(times) * 1000, digits)
