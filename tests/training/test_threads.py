"""The training's thread count: the default for the machine's load, the governor that follows it, the checks."""

from __future__ import annotations

import os
import sys

import pytest

from latent3d.job.train_job import TrainJob
from latent3d.training.session import THREADS_ENV, asked_threads
from latent3d.util import threads
from latent3d.util.threads import ThreadGovernor, check_threads, choose_threads


@pytest.mark.parametrize("cores, load, leave, want", [
    (2, 0.0, 0, 2),    # a quiet machine: every core
    (2, 0.4, 0, 2),    # a core more than half free still gets a thread
    (2, 0.6, 0, 1),
    (2, 1.0, 0, 1),    # one other busy thread: one core left
    (2, 6.0, 0, 1),    # a busy machine: one thread, never none
    (2, 0.0, 1, 1),    # the window draws: a core is left to it
    (1, 0.0, 1, 1),    # ... but never fewer than one thread
    (16, 6.0, 0, 10),
    (16, 6.0, 1, 10),  # already leaves more than one core
    (16, 0.0, 1, 15),
    (16, -3.0, 0, 16),  # a nonsense negative load reads as none
])
def test_choose_threads(cores: int, load: float, leave: int, want: int) -> None:
    assert choose_threads(cores, load, leave) == want


@pytest.mark.parametrize("value", [0, -1, 1025, 1.5, True, "2", [2]])
def test_check_threads_refuses_with_one_sentence(value: object) -> None:
    with pytest.raises(ValueError, match=r"^threads must be a whole number from 1 to 1024 or 'auto', not .*\.$"):
        check_threads(value)


def test_check_threads_accepts_counts_and_auto() -> None:
    assert check_threads(None) is None and check_threads("auto") is None and check_threads(3) == 3


def test_train_job_refuses_a_bad_count(tmp_path) -> None:  # noqa: ANN001
    from latent3d.config.train import TrainConfig

    with pytest.raises(ValueError, match="threads must be"):
        TrainJob(TrainConfig(), tmp_path / "r", threads=0)


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _governor(loads: list[float], busy: list[bool] | None = None, asked: int | None = None,
              cores: int = 2) -> tuple[ThreadGovernor, list[int], _Clock]:
    applied: list[int] = []
    clock = _Clock()
    readings = iter(loads)
    flag = busy if busy is not None else [False]
    gov = ThreadGovernor(applied.append, asked, busy=lambda: flag[0], cores=cores,
                         first_look=lambda: next(readings), sample=lambda: next(readings), clock=clock)
    return gov, applied, clock


def test_governor_follows_the_load_and_records_each_change() -> None:
    gov, applied, clock = _governor([0.0] + [6.0] * 20 + [0.0] * 200)
    gov.apply()  # before the first step: the first look (quiet)
    assert applied == [2] and gov.first_load == 0.0
    for _ in range(50):  # a step every 0.05 s: 2.5 s of busy readings, one every 0.1 s; a decision every 2 s
        clock.now += 0.05
        gov.update()
    assert applied == [2, 1], "the busy machine's readings switch to one thread at the next decision"
    change = gov.history[1][0]
    assert 35 <= change <= 45  # ~2 s of steps of 0.05 s
    for _ in range(100):
        clock.now += 0.05
        gov.update()
    assert applied == [2, 1, 2]
    assert gov.record() == {"asked": "auto", "cores": 2, "load_at_start": 0.0, "used": gov.history, "changes": 3}
    assert [n for _, n in gov.history] == [2, 1, 2] and gov.history[0][0] == 0


def test_governor_leaves_a_core_while_the_window_draws() -> None:
    busy = [False]
    gov, applied, clock = _governor([0.0] * 100, busy=busy)
    gov.update()
    busy[0] = True
    gov.update()  # at once, not at the next decision: the window's frames cannot wait 2 s
    busy[0] = False
    gov.update()
    assert applied == [2, 1, 2]


def test_a_fixed_count_never_looks_at_the_load() -> None:
    gov, applied, clock = _governor([], busy=[True], asked=3)  # no readings: a look would raise StopIteration
    for _ in range(10):
        clock.now += 1.0
        gov.update()
    assert applied == [3] and gov.record()["asked"] == 3 and gov.record()["load_at_start"] is None


def test_a_restless_machine_lists_the_first_changes_and_counts_all(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(threads, "MAX_HISTORY", 4)
    gov, applied, clock = _governor([0.0] + [6.0, 0.0] * 500)
    for _ in range(400):  # steps 2 s apart: each decision sees one reading, and they alternate busy and quiet
        clock.now += 2.0
        gov.update()
    record = gov.record()
    assert len(record["used"]) == 4 and record["changes"] == len(applied) > 4


def test_no_readings_keep_the_first_look() -> None:
    applied: list[int] = []
    clock = _Clock()
    gov = ThreadGovernor(applied.append, cores=2, first_look=lambda: 0.0, sample=lambda: None, clock=clock)
    for _ in range(100):
        clock.now += 0.5
        gov.update()
    assert applied == [2]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc")
def test_the_load_is_read_and_this_process_is_left_out() -> None:
    value = threads.sample_load()
    assert value is not None and value >= 0
    assert threads._own_running() >= 1  # the reading thread itself runs
    assert 0 <= threads.other_load(samples=2, gap_s=0.0) < 10_000


def test_environment_variable_fixes_the_count_unless_the_job_has_one(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    from latent3d.config.train import TrainConfig

    job = TrainJob(TrainConfig(), tmp_path / "r")
    monkeypatch.setenv(THREADS_ENV, "3")
    assert asked_threads(job) == 3
    assert asked_threads(TrainJob(TrainConfig(), tmp_path / "r", threads=1)) == 1
    for bad in ("0", "many", "-2"):
        monkeypatch.setenv(THREADS_ENV, bad)
        assert asked_threads(job) is None  # ignored: the automatic count is always safe
    monkeypatch.delenv(THREADS_ENV)
    assert asked_threads(job) is None
    assert os.environ.get(THREADS_ENV) is None
