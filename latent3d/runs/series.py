"""Snapshots in the order a training takes them: one Snapshot, checked as they arrive, stacked into a run's arrays.

The run writer and the window's live run both grow one; the rules (step 0 first, strictly
increasing, no epoch end skipped, one step loss per step in between) live here once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Snapshot", "SnapshotSeries"]


@dataclass(frozen=True)
class Snapshot:
    """The model at one scheduled training step; numpy only, so it can cross processes and reach the viewer.

    The training loop yields them, the run writer stores them, the training process sends them to the
    window (``latent3d.job.process``), whose live run appends them to a :class:`SnapshotSeries`.

    Attributes
    ----------
    step : int
        Optimisation steps done (0 for the untrained model).
    epoch : float
        ``step / steps_per_epoch``: 0.07 is 7 % into the first epoch.
    steps_per_epoch : int
    codes : ndarray of float32, shape (N_test, 3)
    test_bce : ndarray of float32, shape (N_test,)
        Each test image's mean BCE per pixel.
    test_loss : float
        Mean BCE per pixel over the test images.
    weights : dict of str to ndarray
        The model's state as float32 numpy arrays (``encoder.0.weight`` ...); what the training process
        sends to the window holds the decoder's only (``decoder.*``), the rest stays in the run folder.
    step_losses : ndarray of float32
        The training loss of every step since the previous snapshot, in order (empty at step 0).
    train_loss : float or None
        The epoch's mean training loss when this snapshot ends an epoch, else None.
    epoch_end : bool
        Whether ``step`` is the end of an epoch (False for step 0).
    seconds : float
        Wall time of the training steps since the previous snapshot (evaluations not counted).
    """

    step: int
    epoch: float
    steps_per_epoch: int
    codes: np.ndarray
    test_bce: np.ndarray
    test_loss: float
    weights: dict[str, np.ndarray]
    step_losses: np.ndarray
    train_loss: float | None
    epoch_end: bool
    seconds: float


class SnapshotSeries:
    """The snapshots of one training so far.

    Parameters
    ----------
    steps_per_epoch : int
        Training steps in one epoch: every multiple of it is an epoch end.
    """

    def __init__(self, steps_per_epoch: int) -> None:
        self.steps_per_epoch = int(steps_per_epoch)
        self.steps: list[int] = []
        self.snapshot_loss: list[float] = []  # mean test BCE at each snapshot
        self.train_loss: list[float] = []  # per epoch end
        self.test_loss: list[float] = []  # per epoch end
        self._codes: list[np.ndarray] = []
        self._bce: list[np.ndarray] = []
        self._step_loss: list[np.ndarray] = []

    def __len__(self) -> int:
        return len(self.steps)

    def append(self, step: int, codes: np.ndarray, test_bce: np.ndarray, test_loss: float,
               step_losses: np.ndarray, train_loss: float | None) -> None:
        """Add the snapshot at ``step``; ``train_loss`` is the epoch's mean when ``step`` ends an epoch.

        Raises
        ------
        ValueError
            Out of order, an epoch end skipped, step losses that do not fill the gap since the last
            one, or an epoch end without its ``train_loss``.
        """
        prev = self.steps[-1] if self.steps else None
        spe = self.steps_per_epoch
        if (step != 0) if prev is None else (step <= prev or (step - 1) // spe > prev // spe):
            raise ValueError(f"snapshot at step {step} arrived out of order (after {prev}) or skips an epoch end")
        losses = np.asarray(step_losses, dtype=np.float32).reshape(-1)
        if len(losses) != step - (prev or 0):
            raise ValueError(f"snapshot at step {step} brings {len(losses)} step losses, not {step - (prev or 0)}")
        if step and step % spe == 0:
            if train_loss is None:
                raise ValueError(f"snapshot at step {step} ends epoch {step // spe} but has no train_loss")
            self.train_loss.append(float(train_loss))
            self.test_loss.append(float(test_loss))
        self.steps.append(int(step))
        self._codes.append(np.asarray(codes, dtype=np.float32))
        self._bce.append(np.asarray(test_bce, dtype=np.float32))
        self.snapshot_loss.append(float(test_loss))
        self._step_loss.append(losses)

    @property
    def epochs(self) -> int:
        """Whole epochs as of the last snapshot (-1 before the first)."""
        return self.steps[-1] // self.steps_per_epoch if self.steps else -1

    def codes(self) -> np.ndarray:
        """Test codes ``[S, N, 3]``."""
        return np.stack(self._codes)

    def test_bce(self) -> np.ndarray:
        """Per-image test BCE ``[S, N]``."""
        return np.stack(self._bce)

    def step_loss(self) -> np.ndarray:
        """The training loss of every step so far, float32 ``[T]``."""
        return np.concatenate(self._step_loss).astype(np.float32)
