"""Stand-ins for the training child: they send what a real one sends, then pause themselves mid-message (SIGSTOP)."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from typing import Any

import numpy as np

from latent3d.config.train import TrainConfig
from latent3d.job.process import Started

BIG_BYTES = 20_000_000  # far more than a pipe holds: the child is paused with most of it unsent


def started_then_paused(queue: Any) -> None:
    """Say the training started, begin a message much larger than the pipe, and stop this process (SIGSTOP)."""
    queue.put(Started(Path("never"), TrainConfig(epochs=1), np.zeros(3, np.uint8), 1, 1, "cpu"))
    queue.put(np.zeros(BIG_BYTES, np.uint8))
    time.sleep(0.5)  # the queue's feeder thread is now blocked writing the big message
    os.kill(os.getpid(), signal.SIGSTOP)
    time.sleep(60)
