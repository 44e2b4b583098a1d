"""Writing a recording (format 3) snapshot by snapshot: each file atomically, ``run.json`` last, so it is always a run.

The folder is prepared hidden (``.NAME.partial-XXXXXXXX``: labels, images) and renamed into place
with its first snapshot; from then on each snapshot's files are written to temporary siblings and
renamed, and ``run.json`` is replaced after them listing the snapshots so far. A reader (the window
watching a training) therefore always finds a complete run of the snapshots listed; a training
killed mid-way leaves a run of kind ``recording`` with status ``"recording"`` that opens as it is.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from latent3d.analysis.projection import fit_projection
from latent3d.runs.recording_meta import (
    DECODER_DIR,
    EMBEDDINGS_DIR,
    IMAGES_FILE,
    KIND,
    LABELS_FILE,
    LOSSES_DIR,
    PROJECTED_FILE,
    RECORDING_FORMAT,
    decoder_file,
    embedding_file,
    loss_file,
)
from latent3d.runs.store import META_FILE
from latent3d.runs.validation import RunError
from latent3d.util.fileio import fsync_path

__all__ = ["RecordingWriter"]


def _replace_atomically(target: Path, data: bytes | np.ndarray, *, sync: bool) -> None:
    """Write ``data`` (bytes, or an array as ``.npy``) to a hidden sibling of ``target`` and rename it over."""
    tmp = target.with_name(f".{target.name}.tmp-{uuid.uuid4().hex[:8]}")
    try:
        with open(tmp, "wb") as f:
            if isinstance(data, np.ndarray):
                np.save(f, data, allow_pickle=False)
            else:
                f.write(data)
            if sync:
                f.flush()
                os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


class RecordingWriter:
    """Writes one recording; see the module docstring for the guarantees.

    Parameters
    ----------
    target : Path
        The run folder; it must not exist.
    meta : dict
        The constant keys of ``run.json`` (``steps_per_epoch``, ``epochs``, ``points``, ``dim``,
        ``dtype``, ``schedule``, ``losses``, ``labels``, ``images``, ``decoder``, ``dataset``, ``source``,
        provenance); ``format_version``, ``kind``, ``status``, ``created`` and ``snapshots`` are added here.
    labels : ndarray of uint8, shape (N,), optional
    images : ndarray of uint8, shape (N, H, W) or (N, H, W, 3), optional
    sync : bool
        fsync every file before it is renamed into place (off only for throwaway runs and benchmarks).
    live : bool
        Rename the folder into place with the first snapshot, so that it can be watched while it grows
        (the Recorder); False keeps it hidden until :meth:`finish` (an import, which is all or nothing).

    Raises
    ------
    RunError
        ``target`` exists.
    OSError
        The partial folder cannot be made or written (a full disk, no permission).
    """

    def __init__(self, target: Path, meta: dict[str, Any], *, labels: np.ndarray | None = None,
                 images: np.ndarray | None = None, sync: bool = True, live: bool = True) -> None:
        self.target = Path(target)
        if self.target.exists():
            raise RunError(f"{self.target} already exists; choose another run name.")
        self.meta = {"format_version": RECORDING_FORMAT, "kind": KIND, "status": "recording", **meta}
        self.sync, self.live = sync, live
        self.steps: list[int] = []
        self._losses: list[float | None] = []
        self.target.parent.mkdir(parents=True, exist_ok=True)
        self.tmp: Path | None = self.target.parent / f".{self.target.name}.partial-{uuid.uuid4().hex[:8]}"
        try:
            for sub in (EMBEDDINGS_DIR, LOSSES_DIR, DECODER_DIR):
                (self.tmp / sub).mkdir(parents=True)
            if labels is not None:
                _replace_atomically(self.tmp / LABELS_FILE, np.ascontiguousarray(labels, np.uint8), sync=sync)
            if images is not None:
                _replace_atomically(self.tmp / IMAGES_FILE, np.ascontiguousarray(images, np.uint8), sync=sync)
        except BaseException:
            self.abort()
            raise

    @property
    def folder(self) -> Path:
        """Where the files go now: the partial folder before the first snapshot, the run folder after."""
        return self.tmp if self.tmp is not None else self.target

    def add_snapshot(self, step: int, embedding: np.ndarray, loss: np.ndarray | None = None,
                     decoder: dict[str, np.ndarray] | None = None) -> None:
        """Store the snapshot at ``step``; the run on disk lists it once this returns.

        Parameters
        ----------
        step : int
            Larger than the previous snapshot's.
        embedding : ndarray, shape (N, D)
            In the run's ``dtype``, finite.
        loss : ndarray of float32, shape (N,), optional
            Per-sample losses (every snapshot of a run with ``losses`` has them).
        decoder : dict of str to ndarray, optional
            ``decoder.{i}.weight`` ``[out, in]`` and ``decoder.{i}.bias`` of each dense layer.

        Raises
        ------
        ValueError
            A step not after the previous one.
        OSError
            A file could not be written; the run on disk still lists the snapshots before this one.
        """
        if self.steps and step <= self.steps[-1]:
            raise ValueError(f"snapshot at step {step} arrived after step {self.steps[-1]}")
        folder = self.folder
        _replace_atomically(folder / embedding_file(step), np.ascontiguousarray(embedding), sync=self.sync)
        if loss is not None:
            _replace_atomically(folder / loss_file(step), np.ascontiguousarray(loss, np.float32), sync=self.sync)
        if decoder is not None:
            from safetensors.numpy import save

            tensors = {k: np.ascontiguousarray(v, dtype=np.dtype(self.meta["dtype"])) for k, v in decoder.items()}
            _replace_atomically(folder / decoder_file(step), save(tensors), sync=self.sync)
        self.steps.append(int(step))
        self._losses.append(None if loss is None else float(np.mean(loss, dtype=np.float64)))
        try:
            self._write_meta()
        except BaseException:
            self.steps.pop()
            self._losses.pop()
            raise
        if self.tmp is not None and self.live:  # the first snapshot: the folder appears, already a run
            self._move_into_place()

    def _move_into_place(self) -> None:
        assert self.tmp is not None
        if self.target.exists():
            raise RunError(f"{self.target} appeared while recording; the recording stays in {self.tmp}.")
        if self.sync:
            for sub in ("", EMBEDDINGS_DIR, LOSSES_DIR, DECODER_DIR):
                fsync_path(self.tmp / sub)
        os.rename(self.tmp, self.target)
        self.tmp = None
        if self.sync:
            fsync_path(self.target.parent)

    def _write_meta(self, status: str = "recording") -> None:
        meta = dict(self.meta, status=status,
                    created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                    snapshots=[{"step": s, "loss": v} for s, v in zip(self.steps, self._losses)])
        _replace_atomically(self.folder / META_FILE, (json.dumps(meta, indent=1) + "\n").encode("utf-8"),
                            sync=self.sync)
        if self.sync and self.tmp is None:
            fsync_path(self.target)

    def finish(self) -> Path | None:
        """Mark the run complete; returns its folder, or None (and nothing on disk) when no snapshot came."""
        if not self.steps:
            self.abort()
            return None
        if int(self.meta["dim"]) != 3:
            self._write_projected()
        self._write_meta("complete")
        if self.tmp is not None:
            self._move_into_place()
        return self.target

    def _write_projected(self) -> None:
        """Store the codes as the window draws them (the PCA of the last snapshot), so opening needs no projection.

        Only a speed-up: if it cannot be written the reader projects the embedding itself, so an error
        here is dropped rather than failing a finished recording.
        """
        folder = self.folder
        try:
            last = np.load(folder / embedding_file(self.steps[-1]), allow_pickle=False)
            projection = fit_projection(last, fitted_on=len(self.steps) - 1)
            projected = np.empty((len(self.steps), len(last), 3), np.float32)
            for i, step in enumerate(self.steps):
                projected[i] = projection.apply(np.load(folder / embedding_file(step), allow_pickle=False))
            _replace_atomically(folder / PROJECTED_FILE, projected, sync=self.sync)
        except (OSError, ValueError, MemoryError):
            (folder / PROJECTED_FILE).unlink(missing_ok=True)

    def abort(self) -> None:
        """Delete the partial folder if the run never appeared; a run already in place keeps its snapshots."""
        if self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
