"""A training child paused (SIGSTOP) in the middle of a message cannot freeze the window (issue 19, item 3).

The parent used to read messages on the GUI thread; a half-sent message blocked that read
forever, so Stop, Ctrl+Q and SIGTERM were all ignored. Now a reader thread reads, ``poll``
never blocks, and Stop kills a child that has not stopped after ``TERMINATE_AFTER_S``.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import threading
import time
from pathlib import Path

from latent3d.config.train import TrainConfig
from latent3d.job.process import TERMINATE_AFTER_S, Started, Stopped, TrainingProcess
from latent3d.job.train_job import TrainJob
from tests.support.paused_children import started_then_paused

HANG_S = 30  # a watchdog, not a speed figure: the old code never returned at all


def test_stop_kills_a_child_paused_mid_message(tmp_path: Path) -> None:
    proc = TrainingProcess(TrainJob(TrainConfig(epochs=1), tmp_path / "run"))
    proc._proc = mp.get_context("spawn").Process(target=started_then_paused, args=(proc._queue,), daemon=True)
    proc.start()
    seen: list[object] = []

    def gui_thread() -> None:  # what the window's timer does: poll, press Stop, poll until the end
        while not any(isinstance(m, Started) for m in seen):
            seen.extend(proc.poll())
            time.sleep(0.03)
        time.sleep(1.0)  # the child pauses itself mid-message
        proc.request_stop()
        while not any(isinstance(m, Stopped) for m in seen):
            seen.extend(proc.poll())
            time.sleep(0.03)

    driver = threading.Thread(target=gui_thread, daemon=True)
    driver.start()
    driver.join(HANG_S + TERMINATE_AFTER_S)
    hung = driver.is_alive()
    if hung and proc.pid is not None:
        os.kill(proc.pid, signal.SIGKILL)
    assert not hung, "polling the paused child blocked the GUI thread"
    assert not proc.is_alive()
    assert [m for m in seen if isinstance(m, Stopped)] == [Stopped(killed=True)]
    proc.close()
