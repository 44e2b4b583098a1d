"""A run's codes as a long table: one row per image per snapshot (``export``, ``Run.to_dataframe``).

Columns: ``snapshot, step, epoch, index, label, class, x, y, z, bce``. ``x, y, z`` are the names
Embedding Atlas and most plotting tools look for; ``class`` is the label's class name from the run.
A recording's table names its per-sample loss ``loss`` (empty without one) instead of ``bce``, and
with ``raw`` adds its embedding's own columns ``e0 .. e{D-1}`` (``x, y, z`` are then its projection).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from latent3d.runs.run import Run

__all__ = ["COLUMNS", "RowTable", "run_columns", "to_dataframe"]

COLUMNS = ("snapshot", "step", "epoch", "index", "label", "class", "x", "y", "z", "bce")


@dataclass(frozen=True)
class RowTable:
    """Rows in blocks, one block per snapshot (or one interpolated position), sharing the images' columns.

    Attributes
    ----------
    snapshots : ndarray of int64, shape (B,)
        Each block's snapshot index (for an interpolated position: the nearest snapshot).
    steps, epochs : ndarray of float64, shape (B,)
        Each block's training step and epoch.
    index, labels : ndarray, shape (N,)
        The images' indices in their split and their labels (uint8), the same in every block.
    codes : ndarray of float32, shape (B, N, 3)
    bce : ndarray of float32, shape (B, N)
        Each image's BCE (NaN where the run does not store it: the training-set codes).
    class_names : tuple of str
        Names of labels 0-9.
    raw : ndarray of float32, shape (B, N, D), or None
        The recorded embedding, written as columns ``e0 .. e{D-1}``.
    loss_name : str
        The name of the loss column (``bce``, or ``loss`` for a recording).
    """

    snapshots: np.ndarray
    steps: np.ndarray
    epochs: np.ndarray
    index: np.ndarray
    labels: np.ndarray
    codes: np.ndarray
    bce: np.ndarray
    class_names: tuple[str, ...]
    raw: np.ndarray | None = None
    loss_name: str = "bce"

    @property
    def column_names(self) -> tuple[str, ...]:
        """The header: :data:`COLUMNS` (the loss column as :attr:`loss_name`), then ``e0 ..`` with :attr:`raw`."""
        extra = () if self.raw is None else tuple(f"e{i}" for i in range(self.raw.shape[2]))
        return (*COLUMNS[:-1], self.loss_name, *extra)

    @property
    def n_rows(self) -> int:
        """Rows in the table (blocks x images)."""
        return int(self.codes.shape[0] * self.codes.shape[1])

    @property
    def whole_steps(self) -> bool:
        """Whether every block sits at a whole training step (then ``step`` is written as an integer)."""
        return bool(np.all(self.steps == np.round(self.steps)))

    def columns(self) -> dict[str, np.ndarray]:
        """The table as flat columns of length :attr:`n_rows` (``class`` as label numbers; see :attr:`class_names`)."""
        b, n = self.codes.shape[:2]
        flat = self.codes.reshape(b * n, 3)
        return {
            "snapshot": np.repeat(self.snapshots, n),
            "step": np.repeat(self.steps.astype(np.int64) if self.whole_steps else self.steps, n),
            "epoch": np.repeat(self.epochs, n),
            "index": np.tile(self.index, b),
            "label": np.tile(self.labels, b),
            "class": np.tile(self.labels, b),
            "x": flat[:, 0], "y": flat[:, 1], "z": flat[:, 2],
            self.loss_name: self.bce.reshape(b * n),
            **({} if self.raw is None else
               {f"e{i}": self.raw[:, :, i].reshape(b * n) for i in range(self.raw.shape[2])}),
        }


def run_columns(run: Run, step: float | None = None, *, train_codes: bool = False,
                indices: np.ndarray | None = None, raw: bool = False) -> RowTable:
    """The rows of ``run``: every snapshot, or one position.

    Parameters
    ----------
    run : Run
    step : float, optional
        One training step (interpolated between snapshots, as the window does); default every snapshot.
    train_codes : bool
        The training-set codes (kept for the final snapshot only) instead of the test codes.
    indices : ndarray of int, optional
        Only these images (e.g. a group's members), in this order.
    raw : bool
        Also a recording's embedding as stored (``e0 .. e{D-1}``), interpolated like the codes.

    Returns
    -------
    RowTable

    Raises
    ------
    ValueError
        One sentence: a step outside the run, training-set codes the run does not have or at another step,
        or an index outside the split.
    """
    last = run.n_snapshots - 1
    if train_codes:
        if run.train_codes is None or run.train_labels is None:
            raise ValueError(f"Run {run.name} has no training-set codes (train_codes.npy); export its test codes "
                             "without --train-codes.")
        if step is not None and float(step) != run.last_step:
            raise ValueError(f"Run {run.name} keeps training-set codes for its last step ({run.last_step}) only, "
                             f"not step {step}.")
        codes, labels = run.train_codes[None], run.train_labels
        bce = np.full(codes.shape[:2], np.nan, np.float32)
        blocks, steps = np.array([last]), np.array([float(run.last_step)])
    elif step is None:
        codes, labels, bce = run.codes, run.labels, run.test_bce
        blocks, steps = np.arange(run.n_snapshots), run.steps.astype(np.float64)
    else:
        codes, bce, labels = run.codes_at(step)[None], run.test_bce_at(step)[None], run.labels
        blocks, steps = np.array([round(run.position_of_step(float(step)))]), np.array([float(step)])
    if raw and train_codes:  # before the embedding is read: a refusal costs nothing
        raise ValueError("The raw embedding columns are of the test points; export without --train-codes.")
    raw_codes = _raw(run, step) if raw else None
    index = np.arange(codes.shape[1], dtype=np.int64)
    if indices is not None:
        index = np.asarray(indices, dtype=np.int64).reshape(-1)
        if len(index) and (index.min() < 0 or index.max() >= codes.shape[1]):
            raise ValueError(f"Image indices must be from 0 to {codes.shape[1] - 1}.")
        codes, bce, labels = codes[:, index], bce[:, index], labels[index]
        raw_codes = None if raw_codes is None else raw_codes[:, index]
    recording = getattr(run, "kind", "autoencoder") == "recording"
    if recording and "losses" not in run.capabilities:
        bce = np.full(codes.shape[:2], np.nan, np.float32)
    return RowTable(blocks.astype(np.int64), steps, steps / run.steps_per_epoch, index, np.asarray(labels, np.uint8),
                    np.ascontiguousarray(codes, np.float32), np.ascontiguousarray(bce, np.float32), run.class_names,
                    raw_codes, "loss" if recording else "bce")


def _raw(run: Run, step: float | None) -> np.ndarray:
    """The recorded embedding at every snapshot, or blended linearly at ``step`` as the codes are."""
    from latent3d.analysis.interpolate import split_position

    if run.raw_codes is None:
        raise ValueError(f"Run {run.name} is latent3d's autoencoder: its codes are x, y, z; --raw is for a recording "
                         "of another network's embedding.")
    if step is None:
        return np.asarray(run.raw_codes, np.float32)
    i, f = split_position(run.position_of_step(run._step(step)), run.n_snapshots - 1)
    a = np.asarray(run.raw_codes[i], np.float32)
    return (a if f == 0.0 else a + np.float32(f) * (np.asarray(run.raw_codes[i + 1], np.float32) - a))[None]


def to_dataframe(table: RowTable) -> Any:
    """The table as a pandas DataFrame (``class`` categorical).

    Raises
    ------
    ImportError
        One sentence naming ``pip install pandas`` when pandas is missing.
    """
    try:
        import pandas as pd
    except ImportError:
        raise ImportError("Run.to_dataframe needs pandas, which is not installed: `pip install pandas` "
                          "(or `pip install latent3d[export]`).") from None
    cols: dict[str, Any] = table.columns()
    cols["class"] = pd.Categorical.from_codes(cols["class"].astype(np.int64), categories=list(table.class_names))
    return pd.DataFrame(cols, columns=list(table.column_names))
