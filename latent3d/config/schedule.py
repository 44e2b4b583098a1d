"""When a training takes its snapshots: the schedule names ``epochs``, ``log``, ``every:N`` and their steps.

Most of the learning happens inside the first epoch (the test loss falls 0.693 -> 0.318 in
epoch 1 and 0.318 -> 0.302 over the next 19), so the default schedule spends most of its
snapshots there, evenly in log(step). Every schedule keeps step 0 (the untrained model) and
the end of every epoch, so per-epoch losses and epoch positions exist for every run. This
module is torch-free and sits below the config, which validates a schedule with it.
"""

from __future__ import annotations

import math
import re

import numpy as np

__all__ = ["DEFAULT_SCHEDULE", "LOG_SNAPSHOTS", "MAX_SNAPSHOTS", "SCHEDULES", "check_snapshot_count",
           "parse_schedule", "snapshot_count", "snapshot_steps"]

DEFAULT_SCHEDULE = "log"
SCHEDULES = ("epochs", "log", "every:N")
LOG_SNAPSHOTS = 20  # snapshots in (0, end of epoch 1] of the log schedule (fewer only when the epoch has fewer steps)
MAX_SNAPSHOTS = 10_000  # each keeps a decoder file and N codes: beyond this a run folder is no longer a history to view
_EVERY = re.compile(r"every:([0-9]{1,18})")


def parse_schedule(schedule: object) -> tuple[str, int]:
    """Split a schedule name into its kind and N.

    Parameters
    ----------
    schedule : str
        ``"epochs"``, ``"log"`` or ``"every:N"`` with N a whole number of at least 1.

    Returns
    -------
    kind : str
        ``"epochs"``, ``"log"`` or ``"every"``.
    n : int
        N of ``every:N``; 0 for the other kinds.

    Raises
    ------
    ValueError
        With one sentence, for anything else.
    """
    if schedule in ("epochs", "log"):
        return str(schedule), 0
    if isinstance(schedule, str):
        m = _EVERY.fullmatch(schedule)
        if m and int(m.group(1)) >= 1:
            return "every", int(m.group(1))
    shown = repr(schedule) if len(repr(schedule)) <= 40 else repr(schedule)[:37] + "..."
    raise ValueError(f"Snapshot schedule {shown} is not one of epochs, log or every:N "
                     "(N a whole number of at least 1).")


def _log_steps(steps_per_epoch: int) -> np.ndarray:
    """About LOG_SNAPSHOTS steps in [1, steps_per_epoch], evenly spaced in log(step), whole and distinct."""
    if steps_per_epoch <= LOG_SNAPSHOTS:
        return np.arange(1, steps_per_epoch + 1, dtype=np.int64)
    # Rounding merges the first few points (1, 1.4, 2.1 ... -> 1, 1, 2): ask for more until 20 distinct remain.
    for k in range(LOG_SNAPSHOTS, 4 * LOG_SNAPSHOTS):
        steps = np.unique(np.rint(np.geomspace(1, steps_per_epoch, k)).astype(np.int64))
        if len(steps) >= LOG_SNAPSHOTS:
            return steps
    return steps  # not reached for any steps_per_epoch above LOG_SNAPSHOTS


def snapshot_count(schedule: str, steps_per_epoch: int, epochs: int) -> int:
    """How many snapshots :func:`snapshot_steps` gives, computed without building them (any size).

    Parameters
    ----------
    schedule : str
        A schedule name (see :func:`parse_schedule`).
    steps_per_epoch, epochs : int
        Optimisation steps in one epoch, and epochs.

    Returns
    -------
    int
    """
    kind, n = parse_schedule(schedule)
    if kind == "epochs":
        return epochs + 1
    if kind == "log":
        # step 0, the log steps (the end of epoch 1 among them), the ends of epochs 2..E
        return epochs + len(_log_steps(steps_per_epoch))
    total = epochs * steps_per_epoch
    period = n // math.gcd(steps_per_epoch, n)  # every period-th epoch end is a multiple of N
    return total // n + 1 + epochs - epochs // period


def check_snapshot_count(schedule: str, steps_per_epoch: int, epochs: int) -> None:
    """Raise ValueError (one sentence) when the schedule keeps more than MAX_SNAPSHOTS snapshots."""
    count = snapshot_count(schedule, steps_per_epoch, epochs)
    if count > MAX_SNAPSHOTS:
        fix = "choose a larger N" if schedule.startswith("every:") else "train fewer epochs"
        raise ValueError(f"Snapshot schedule {schedule} would keep {count:,} snapshots ({epochs} epochs of "
                         f"{steps_per_epoch} steps), more than the {MAX_SNAPSHOTS:,} allowed; {fix}.")


def snapshot_steps(schedule: str, steps_per_epoch: int, epochs: int) -> np.ndarray:
    """The training steps at which a snapshot is taken.

    Parameters
    ----------
    schedule : str
        ``"epochs"``: step 0 and every epoch end. ``"log"``: step 0, about 20 steps evenly
        spaced in log(step) through the first epoch (every step when the epoch has 20 or fewer),
        then every epoch end. ``"every:N"``: every N-th step, step 0, the final step and every
        epoch end.
    steps_per_epoch : int
        Optimisation steps in one epoch (``ceil(train_images / batch_size)``), at least 1.
    epochs : int
        Epochs of the training, at least 1.

    Returns
    -------
    ndarray of int64
        Strictly increasing, first 0, last ``epochs * steps_per_epoch``, every epoch end included.

    Raises
    ------
    ValueError
        For an unknown schedule, counts below 1, or more than MAX_SNAPSHOTS snapshots.
    """
    kind, n = parse_schedule(schedule)
    if steps_per_epoch < 1 or epochs < 1:
        raise ValueError(f"A schedule needs at least one step and one epoch, not {steps_per_epoch} and {epochs}.")
    check_snapshot_count(schedule, steps_per_epoch, epochs)
    ends = np.arange(0, epochs + 1, dtype=np.int64) * steps_per_epoch
    if kind == "epochs":
        return ends
    if kind == "log":
        parts = [ends, _log_steps(steps_per_epoch)]
    else:
        parts = [ends, np.arange(0, epochs * steps_per_epoch + 1, n, dtype=np.int64)]
    return np.unique(np.concatenate(parts))
