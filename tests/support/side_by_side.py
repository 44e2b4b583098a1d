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


class Outcome:
    """What one job gave: its result, or the exception (a failed assertion, ``pytest.fail``) it raised."""

    def __init__(self, job: Callable[[], object]) -> None:
        self.result: object = None
        self.error: BaseException | None = None
        try:
            self.result = job()
        except BaseException as exc:  # noqa: BLE001 - re-raised by get(), in the test it belongs to
            self.error = exc

    def get(self) -> object:
        """The job's result; its exception is raised here, so it fails the test that reads it and no other."""
        if self.error is not None:
            raise self.error
        return self.result


def outcomes(jobs: Mapping[K, Callable[[], object]]) -> dict[K, Outcome]:
    """Like :func:`side_by_side`, for whole test scenarios: each job's :class:`Outcome`, to be read by its test."""
    return side_by_side({key: (lambda job=job: Outcome(job)) for key, job in jobs.items()})
