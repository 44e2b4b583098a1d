"""Run a few independent child processes two at a time, so a test module's processes share both cores."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

K = TypeVar("K")
R = TypeVar("R")

WORKERS = 2  # the processes are single-threaded or told to be; more than the cores would only queue


def side_by_side(jobs: Mapping[K, Callable[[], R]]) -> dict[K, R]:
    """Each job's result by its key; the jobs (each typically one ``subprocess.run``) run two at a time.

    The pytest process itself runs one test at a time on one core; its children can use the other.
    An exception in a job is raised when its result is read, here, so a module fixture fails loudly.
    """
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        futures = {key: pool.submit(job) for key, job in jobs.items()}
        return {key: future.result() for key, future in futures.items()}
