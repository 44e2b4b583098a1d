"""A training process whose window dies (SIGTERM, SIGKILL) stops, discards its run and exits; so does one nobody reads.

Real processes: a small script plays the window's part (a :class:`TrainingProcess` polled, or
never read), the test kills it and then watches every process it had started through /proc.
"""

from __future__ import annotations

import functools
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.processes import alive, children_of, partials, wait_gone
from tests.support.side_by_side import Outcome, outcomes

REPO = Path(__file__).resolve().parents[2]
# The window's side of a training in a few lines: start it, print the child's pid, then poll it
# (``read``) or never read its queue (``deaf``) until killed.
PARENT = r"""
import sys, time
from pathlib import Path
from latent3d.config.train import TrainConfig
from latent3d.job.process import TrainingProcess
from latent3d.job.train_job import TrainJob

target, data_dir, mode = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
config = TrainConfig(epochs=1000, max_train_images=2000, max_test_images=500)
proc = TrainingProcess(TrainJob(config, target, data_dir=data_dir, device="cpu"))
proc.start()
print(proc.pid, flush=True)
while True:
    if mode == "read":
        proc.poll()
    time.sleep(0.03)
"""


def start_parent(mode: str, runs_dir: Path, data_dir: Path, name: str = "orphan") -> tuple[subprocess.Popen[str], int]:
    """Start the stand-in window, wait until its training has written two snapshots; returns it and the child's pid."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "OMP_NUM_THREADS": "1", "LATENT3D_TRAIN_THREADS": "1"}
    parent = subprocess.Popen([sys.executable, "-c", PARENT, str(runs_dir / name), str(data_dir), mode],
                              env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    deadline = time.monotonic() + 120
    # Two snapshots' weights on disk: both (about 1 MB each) were queued, more than a pipe holds.
    while not any(len(list((p / "weights").glob("step_*.safetensors"))) >= 2 for p in partials(runs_dir, name)):
        if parent.poll() is not None or time.monotonic() > deadline:
            parent.kill()
            os.kill(child, signal.SIGKILL) if alive(child) else None
            pytest.fail(f"the training never got going: {parent.communicate()[1][-800:]}")
        time.sleep(0.02)
    return parent, child


# SIGINT to the stand-in alone: KeyboardInterrupt, a normal exit through multiprocessing's atexit,
# which terminates daemonic children and then joins them without a timeout.
SIGNALS = {"SIGTERM": signal.SIGTERM, "SIGKILL": signal.SIGKILL, "exit": signal.SIGINT}
MODES = ("read", "deaf")


@pytest.fixture(scope="module")
def parents_killed(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Outcome]:
    """Every (signal, mode) case below, each with its own processes and folder, two cases at a time."""
    return outcomes({(sig, mode): functools.partial(_kill_the_parent, SIGNALS[sig], mode, data_dir,
                                                    tmp_path_factory.mktemp(f"{sig}-{mode}"))
                     for sig in SIGNALS for mode in MODES})


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("sig", SIGNALS)
def test_training_stops_when_its_parent_dies(sig: str, mode: str,
                                             parents_killed: dict[tuple[str, str], Outcome]) -> None:
    print(parents_killed[sig, mode].get())


def _kill_the_parent(sig: signal.Signals, mode: str, data_dir: Path, tmp_path: Path) -> str:
    """Start a stand-in window and its training, send the stand-in ``sig``; check that nothing is left."""
    runs_dir = tmp_path / "runs"
    runs_dir.mkdir()
    parent, child = start_parent(mode, runs_dir, data_dir)
    family = children_of(parent.pid)  # the training and multiprocessing's resource tracker
    assert child in family and len(family) >= 2, family
    t0 = time.monotonic()
    parent.send_signal(sig)
    parent.wait(timeout=30)
    exited = time.monotonic() - t0
    seconds = wait_gone(family)
    assert partials(runs_dir, "orphan") == [], "the partial run was left behind"
    assert not (runs_dir / "orphan").exists(), "a run the user never saw finish was saved"
    assert list(runs_dir.iterdir()) == []
    return (f"{sig.name} to a {mode} parent: it exited after {exited:.2f} s, its {len(family)} children "
            f"{seconds:.2f} s later")


def test_training_nobody_reads_still_exits_when_stopped(data_dir: Path, tmp_path: Path) -> None:
    # The parent lives on but never reads: the queue's pipe is full, and Ctrl+C (SIGINT to the
    # process group) reaches the child. It stops, gives up flushing its last messages, exits.
    runs_dir = tmp_path / "runs"
    runs_dir.mkdir()
    parent, child = start_parent("deaf", runs_dir, data_dir, name="deaf")
    family = children_of(parent.pid)
    try:
        os.kill(child, signal.SIGINT)
        seconds = wait_gone([child])
        print(f"a child nobody reads exited {seconds:.2f} s after SIGINT")
        assert partials(runs_dir, "deaf") == [] and not (runs_dir / "deaf").exists()
    finally:
        parent.kill()
        parent.wait(timeout=30)
    wait_gone(family)  # the resource tracker too, once the parent is gone


# One sign at a time: the guard in a bare process (no torch) whose own copy of the lifeline's
# write end keeps EOF away unless the test asks for it. It prints "ready", then waits.
GUARDED = r"""
import os, sys, time
from multiprocessing.connection import Connection
from pathlib import Path
from latent3d.job.lifeline import ChildGuard

mode, target = sys.argv[1], Path(sys.argv[2])
r, w = os.pipe()
guard = ChildGuard(target, Connection(r, writable=False), -1 if mode == "ppid" else os.getppid())
print("ready", flush=True)
if mode == "pipe":
    os.close(w)  # the last write end: EOF, as when the parent's process is gone
while not guard.stop.is_set():  # never asks getppid: only the death signal or a stop signal ends this
    time.sleep(0.01)
sys.exit(7)  # not reached: before training starts the guard exits at once, with status 0
"""
# Its parent: prints the guarded process's pid, then waits to be killed.
MIDDLE = r"""
import subprocess, sys, time
p = subprocess.Popen([sys.executable, "-c", sys.argv[1], *sys.argv[2:]], stdout=subprocess.PIPE, text=True)
print(p.pid, flush=True)
print(p.stdout.readline().strip(), flush=True)
time.sleep(600)
"""


@pytest.mark.parametrize("mode", ["pipe", "ppid", "pdeathsig", "SIGTERM", "SIGHUP", "SIGINT"])
def test_each_sign_alone_ends_a_guarded_process(mode: str, tmp_path: Path) -> None:
    target = tmp_path / "run"
    partial = tmp_path / ".run.partial-1234abcd"
    (partial / "weights").mkdir(parents=True)
    middle = subprocess.Popen([sys.executable, "-c", MIDDLE, GUARDED, mode, str(target)], text=True,
                              stdout=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert middle.stdout is not None
    guarded = int(middle.stdout.readline())
    ready = middle.stdout.readline().strip()
    try:
        if mode == "pdeathsig":
            middle.kill()
        elif mode.startswith("SIG"):
            assert ready == "ready"
            os.kill(guarded, getattr(signal, mode))
        wait_gone([guarded])
        assert not partial.exists() and list(tmp_path.iterdir()) == []
    finally:
        middle.kill()
        middle.wait(timeout=30)
