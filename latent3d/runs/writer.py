"""Writing a run folder (format 2) atomically: a hidden sibling folder, fsynced, renamed into place when complete."""

from __future__ import annotations

import json
import os
import shutil
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from latent3d.config.encoder_keep import keeps_encoder, parse_keep_encoder
from latent3d.config.train import TrainConfig
from latent3d.runs.reservation import holder, release, reserve
from latent3d.runs.series import SnapshotSeries
from latent3d.runs.store import (
    CODES_FILE,
    FORMAT_VERSION,
    LABELS_FILE,
    META_FILE,
    STEP_LOSS_FILE,
    STEPS_FILE,
    TEST_BCE_FILE,
    TRAIN_CODES_FILE,
    TRAIN_LABELS_FILE,
    WEIGHTS_DIR,
    RunError,
    weights_file,
)
from latent3d.util.fileio import fsync_path

__all__ = ["RunWriter"]


def _umask() -> int:
    """The process's umask, read without changing it where Linux shows it (else set and restored at once)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


class RunWriter:
    """Writes a run into a hidden sibling folder and renames it into place when complete.

    Parameters
    ----------
    target : Path
        The final run folder; it must not exist yet.
    config : TrainConfig
        Stored in ``run.json`` so the run rebuilds its own model.
    steps_per_epoch : int
        Optimisation steps in one epoch (``ceil(train_images / batch_size)``).
    weights_dtype : {"float32", "float16"}
        Storage precision of the weights.
    keep_encoder : {"all", "final", "every:K"}
        Store the encoder at every snapshot, only at the last one, or at every K-th snapshot
        (the first included) and the last one.
    extra_meta : dict, optional
        Provenance merged into ``run.json`` (dataset checksum, versions, ...).

    Notes
    -----
    Use as a context manager: leaving the block by an exception deletes the partial
    folder. A process killed mid-write leaves only a dot-folder that no listing shows.
    """

    def __init__(self, target: Path, config: TrainConfig, *, steps_per_epoch: int, weights_dtype: str = "float32",
                 keep_encoder: str = "all", extra_meta: dict[str, Any] | None = None) -> None:
        if steps_per_epoch < 1:
            raise ValueError(f"steps_per_epoch must be at least 1, not {steps_per_epoch}")
        self.target = Path(target)
        if self.target.exists():
            raise RunError(f"{self.target} already exists; choose another run name.")
        self.target.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = self.target.parent / f".{self.target.name}.partial-{uuid.uuid4().hex[:8]}"
        (self.tmp / WEIGHTS_DIR).mkdir(parents=True)
        self._lock = reserve(self.tmp)  # the partial folder is the name's reservation while this trains
        other = holder(self.target, ignore=self.tmp)
        if other is not None:
            self.abort()
            raise RunError(f"Another training is writing a run named {self.target.name} now (its partial folder is "
                           f"{other.name}); choose another run name.")
        self.config = config
        self.steps_per_epoch = steps_per_epoch
        self.weights_dtype = np.dtype(weights_dtype)
        parse_keep_encoder(keep_encoder)  # refuse a bad choice before any training
        self.keep_encoder = keep_encoder
        self.extra_meta = dict(extra_meta or {})
        self.series = SnapshotSeries(steps_per_epoch)
        self._pending_encoder: dict[str, np.ndarray] | None = None

    def __enter__(self) -> RunWriter:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is not None or self.tmp.exists():
            self.abort()

    def add_snapshot(self, step: int, codes: np.ndarray, test_bce: np.ndarray, test_loss: float,
                     weights: dict[str, np.ndarray], *, step_losses: np.ndarray,
                     train_loss: float | None = None) -> None:
        """Store one snapshot; its weights file is written now, the arrays at :meth:`finish`.

        Parameters
        ----------
        step : int
            0 first, then strictly increasing; every epoch end must come.
        codes, test_bce : ndarray
            ``[N, 3]`` codes and ``[N]`` per-image BCE of the test images.
        test_loss : float
            Their mean BCE.
        weights : dict of str to ndarray
            The model's state; the decoder is always kept, the encoder per ``keep_encoder``.
        step_losses : ndarray
            The training loss of each step since the previous snapshot (``step - previous`` values).
        train_loss : float or None
            The epoch's mean training loss; required when ``step`` ends an epoch.
        """
        index = len(self.series)
        self.series.append(step, codes, test_bce, test_loss, step_losses, train_loss)
        keep = {k: v for k, v in weights.items() if k.startswith("decoder.")}
        encoder = {k: v for k, v in weights.items() if k.startswith("encoder.")}
        if keeps_encoder(self.keep_encoder, index, last=False):
            keep |= encoder
            self._pending_encoder = None
        else:  # the last snapshot is known only at finish(): it gets the encoder then
            self._pending_encoder = encoder
        self._write_weights(step, keep)

    def _write_weights(self, step: int, tensors: dict[str, np.ndarray]) -> None:
        from safetensors.numpy import save_file

        path = self.tmp / weights_file(step)
        save_file({k: np.ascontiguousarray(v, dtype=self.weights_dtype) for k, v in tensors.items()}, str(path))
        os.chmod(path, 0o666 & ~_umask())  # save_file makes it 0600; the rest of a run follows the umask

    def finish(self, train_codes: np.ndarray | None = None, train_labels: np.ndarray | None = None,
               labels: np.ndarray | None = None) -> Path:
        """Write arrays and ``run.json``, fsync, and rename into place. Returns the run folder."""
        series = self.series
        if not series or labels is None:
            raise ValueError("finish() needs at least one snapshot and the test labels")
        last, spe = series.steps[-1], self.steps_per_epoch
        if last % spe:
            raise ValueError(f"finish() after step {last}, which does not end an epoch of {spe} steps")
        if self._pending_encoder:
            from safetensors.numpy import load_file

            path = self.tmp / weights_file(last)
            self._write_weights(last, load_file(str(path)) | self._pending_encoder)
        arrays = {CODES_FILE: series.codes(), TEST_BCE_FILE: series.test_bce(),
                  LABELS_FILE: np.asarray(labels, dtype=np.uint8),
                  STEPS_FILE: np.asarray(series.steps, dtype=np.int64), STEP_LOSS_FILE: series.step_loss()}
        if train_codes is not None and train_labels is not None:
            arrays[TRAIN_CODES_FILE] = np.asarray(train_codes, dtype=np.float32)
            arrays[TRAIN_LABELS_FILE] = np.asarray(train_labels, dtype=np.uint8)
        for name, arr in arrays.items():
            np.save(self.tmp / name, arr, allow_pickle=False)
        meta = {
            "format_version": FORMAT_VERSION,
            "status": "complete",
            "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "config": self.config.to_dict(),
            "epochs": last // spe,
            "steps_per_epoch": spe,
            "test_images": int(len(arrays[LABELS_FILE])),
            "snapshots": [{"step": s, "epoch": s / spe, "test_loss": v}
                          for s, v in zip(series.steps, series.snapshot_loss)],
            "train_loss": series.train_loss,
            "test_loss": series.test_loss,
            "initial_test_loss": series.snapshot_loss[0],
            "weights": {"dtype": str(self.weights_dtype), "encoder": self.keep_encoder},
            **self.extra_meta,
        }
        (self.tmp / META_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
        for p in self.tmp.rglob("*"):
            if p.is_file():
                fsync_path(p)
        fsync_path(self.tmp / WEIGHTS_DIR)
        fsync_path(self.tmp)
        os.rename(self.tmp, self.target)  # atomic on one filesystem; fails rather than overwrite a run
        release(self._lock)
        self._lock = None
        fsync_path(self.target.parent)
        return self.target

    def abort(self) -> None:
        """Delete the partial folder (safe to call twice)."""
        shutil.rmtree(self.tmp, ignore_errors=True)
        release(self._lock)
        self._lock = None
