"""Writing a run folder atomically: a hidden sibling folder, fsynced, renamed into place when complete."""

from __future__ import annotations

import json
import math
import os
import shutil
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from latent3d.config import TrainConfig
from latent3d.runs.store import (
    CODES_FILE,
    FORMAT_VERSION,
    LABELS_FILE,
    META_FILE,
    TEST_BCE_FILE,
    TRAIN_CODES_FILE,
    TRAIN_LABELS_FILE,
    WEIGHTS_DIR,
    RunError,
    weights_file,
)

__all__ = ["RunWriter"]


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class RunWriter:
    """Writes a run into a hidden sibling folder and renames it into place when complete.

    Parameters
    ----------
    target : Path
        The final run folder; it must not exist yet.
    config : TrainConfig
        Stored in ``run.json`` so the run rebuilds its own model.
    weights_dtype : {"float32", "float16"}
        Storage precision of the weights.
    keep_encoder : {"all", "final"}
        Store the encoder of every epoch or only of the last one.
    extra_meta : dict, optional
        Provenance merged into ``run.json`` (dataset checksum, versions, ...).

    Notes
    -----
    Use as a context manager: leaving the block by an exception deletes the partial
    folder. A process killed mid-write leaves only a dot-folder that no listing shows.
    """

    def __init__(self, target: Path, config: TrainConfig, *, weights_dtype: str = "float32",
                 keep_encoder: str = "all", extra_meta: dict[str, Any] | None = None) -> None:
        self.target = Path(target)
        if self.target.exists():
            raise RunError(f"{self.target} already exists; choose another run name.")
        self.target.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = self.target.parent / f".{self.target.name}.partial-{uuid.uuid4().hex[:8]}"
        (self.tmp / WEIGHTS_DIR).mkdir(parents=True)
        self.config = config
        self.weights_dtype = np.dtype(weights_dtype)
        self.keep_encoder = keep_encoder
        self.extra_meta = dict(extra_meta or {})
        self._codes: list[np.ndarray] = []
        self._bce: list[np.ndarray] = []
        self._train_loss: list[float] = []
        self._test_loss: list[float] = []
        self._initial_test_loss: float | None = None
        self._pending_encoder: dict[str, np.ndarray] | None = None

    def __enter__(self) -> RunWriter:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is not None or self.tmp.exists():
            self.abort()

    def add_epoch(self, epoch: int, codes: np.ndarray, test_bce: np.ndarray, test_loss: float,
                  train_loss: float | None, weights: dict[str, np.ndarray]) -> None:
        """Store one epoch (0 = before training); epochs must arrive in order."""
        if epoch != len(self._codes):
            raise ValueError(f"epoch {epoch} arrived out of order")
        self._codes.append(np.asarray(codes, dtype=np.float32))
        self._bce.append(np.asarray(test_bce, dtype=np.float32))
        if epoch == 0:
            self._initial_test_loss = float(test_loss)
        else:
            self._train_loss.append(float(train_loss if train_loss is not None else math.nan))
            self._test_loss.append(float(test_loss))
        keep = {k: v for k, v in weights.items() if k.startswith("decoder.")}
        if self.keep_encoder == "all":
            keep |= {k: v for k, v in weights.items() if k.startswith("encoder.")}
        else:
            self._pending_encoder = {k: v for k, v in weights.items() if k.startswith("encoder.")}
        self._write_weights(epoch, keep)

    def _write_weights(self, epoch: int, tensors: dict[str, np.ndarray]) -> None:
        from safetensors.numpy import save_file

        path = self.tmp / weights_file(epoch)
        save_file({k: np.ascontiguousarray(v, dtype=self.weights_dtype) for k, v in tensors.items()}, str(path))

    def finish(self, train_codes: np.ndarray | None = None, train_labels: np.ndarray | None = None,
               labels: np.ndarray | None = None) -> Path:
        """Write arrays and ``run.json``, fsync, and rename into place. Returns the run folder."""
        if not self._codes or labels is None:
            raise ValueError("finish() needs at least one epoch and the test labels")
        epochs = len(self._codes) - 1
        if self.keep_encoder == "final" and self._pending_encoder:
            from safetensors.numpy import load_file

            last = self.tmp / weights_file(epochs)
            self._write_weights(epochs, load_file(str(last)) | self._pending_encoder)
        arrays = {CODES_FILE: np.stack(self._codes), TEST_BCE_FILE: np.stack(self._bce),
                  LABELS_FILE: np.asarray(labels, dtype=np.uint8)}
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
            "epochs": epochs,
            "train_loss": self._train_loss,
            "test_loss": self._test_loss,
            "initial_test_loss": self._initial_test_loss,
            "weights": {"dtype": str(self.weights_dtype), "encoder": self.keep_encoder},
            **self.extra_meta,
        }
        (self.tmp / META_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
        for p in self.tmp.rglob("*"):
            if p.is_file():
                _fsync_file(p)
        _fsync_file(self.tmp / WEIGHTS_DIR)
        _fsync_file(self.tmp)
        os.rename(self.tmp, self.target)  # atomic on one filesystem; fails rather than overwrite a run
        _fsync_file(self.target.parent)
        return self.target

    def abort(self) -> None:
        """Delete the partial folder (safe to call twice)."""
        shutil.rmtree(self.tmp, ignore_errors=True)
