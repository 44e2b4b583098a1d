"""Loading a recording (format 3) as untrusted input into a :class:`Run`: its embedding projected to 3-D, in numpy.

Nothing here imports torch: the window opens a recording with numpy and safetensors alone.
``run.json`` is checked first (:mod:`latent3d.runs.recording_meta`), the memory the run needs is
estimated from it before any array is read, and then every file the run lists is read with the
same checks as an autoencoder run's (no pickle, dtype, shape, size, finiteness).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from latent3d.analysis.projection import Projection, fit_projection
from latent3d.config.recording import RecordingConfig
from latent3d.runs.memory import LazyWeights, recording_memory_bytes, refuse_if_too_large
from latent3d.runs.raw_codes import RawCodes
from latent3d.runs.recording_meta import (
    IMAGES_FILE,
    KIND,
    LABELS_FILE,
    PROJECTED_FILE,
    decoder_file,
    embedding_file,
    loss_file,
)
from latent3d.runs.run import Run
from latent3d.runs.validation import RunError, load_array, member

__all__ = ["load_recording", "recording_summary"]


def decoder_shapes(widths: list[int]) -> dict[str, tuple[int, ...]]:
    """The tensors of a dense decoder through ``widths``: ``decoder.{i}.weight [out, in]`` and ``decoder.{i}.bias``."""
    shapes: dict[str, tuple[int, ...]] = {}
    for i, (n_in, n_out) in enumerate(zip(widths[:-1], widths[1:])):
        shapes[f"decoder.{i}.weight"] = (n_out, n_in)
        shapes[f"decoder.{i}.bias"] = (n_out,)
    return shapes


def _image_shape(meta: dict[str, Any]) -> tuple[int, ...] | None:
    images = meta.get("images")
    return None if images is None else tuple(images["shape"])


def recording_summary(meta: dict[str, Any]) -> tuple[int, float | None, int, int]:
    """``(epochs so far, last snapshot's mean loss or None, points, last step)`` of a checked recording's meta."""
    last = meta["snapshots"][-1]
    return last["step"] // meta["steps_per_epoch"], last["loss"], meta["points"], last["step"]


def load_recording(run_dir: Path, meta: dict[str, Any]) -> Run:
    """Load a recording whose ``run.json`` (``meta``) was checked; every file it lists is read and checked.

    Parameters
    ----------
    run_dir : Path
    meta : dict
        From :func:`latent3d.runs.store.read_meta`.

    Returns
    -------
    Run
        ``kind == "recording"``; ``codes`` ``[S, N, 3]`` (projected when D is not 3), ``raw_codes``
        ``[S, N, D]`` as stored, ``projection``, ``capabilities``.

    Raises
    ------
    RunError
        One sentence: a file missing, malformed, of the wrong size or non-finite, labels beyond the
        class names, or a run too large for the memory available.
    """
    n, d, dtype = meta["points"], meta["dim"], meta["dtype"]
    steps = np.array([s["step"] for s in meta["snapshots"]], dtype=np.int64)
    s = len(steps)
    image_shape = _image_shape(meta)
    decoder = decoder_shapes(meta["decoder"]["widths"]) if meta.get("decoder") else None
    decoder_bytes = 4 * sum(math.prod(v) for v in decoder.values()) if decoder else 0
    need = recording_memory_bytes(s, n, d, np.dtype(dtype).itemsize, decoder_bytes=decoder_bytes,
                                  image_bytes=n * math.prod(image_shape) if image_shape else 0)
    refuse_if_too_large(run_dir, need, s)  # before any array is read
    names = (meta.get("dataset") or {}).get("class_names")
    labels = _labels(run_dir, n, len(names) if names else 10) if meta["labels"] else np.zeros(n, np.uint8)
    images = load_array(run_dir, IMAGES_FILE, "uint8", (n, *image_shape)) if image_shape else None
    raw, projection, codes = _codes(run_dir, meta, steps, n, d, dtype)
    losses = np.zeros((s, n), np.float32)
    for i, step in enumerate(steps.tolist()):
        if meta["losses"]:
            losses[i] = load_array(run_dir, loss_file(step), "float32", (n,), finite=True)
    weights: Any = {}
    if decoder:
        weights = LazyWeights(run_dir, [decoder_file(int(x)) for x in steps], decoder, {}, dtype)
        weights.check_all()
    capabilities = frozenset(name for name, present in (("labels", meta["labels"]), ("losses", meta["losses"]),
                                                         ("images", images is not None), ("decoder", bool(decoder)))
                             if present)
    config = RecordingConfig(meta["epochs"], meta["steps_per_epoch"], meta.get("schedule"), d, dtype, meta["source"])
    shown_meta = dict(meta, train_loss=[], test_loss=[], initial_test_loss=None)
    snapshot_loss = losses.mean(axis=1, dtype=np.float64)
    decoded = tuple(meta["decoder"]["image_shape"]) if decoder else (28, 28)
    return Run(run_dir, shown_meta, config, codes, labels, losses, None, None, steps, meta["steps_per_epoch"],
               snapshot_loss, None, 3, weights, kind=KIND, capabilities=capabilities, raw_codes=raw,
               projection=projection, images=images, image_shape=(int(decoded[0]), int(decoded[1])))


def _codes(run_dir: Path, meta: dict[str, Any], steps: np.ndarray, n: int, d: int,
           dtype: str) -> tuple[Any, Projection | None, np.ndarray]:
    """``(raw codes, projection, drawn codes)``: a finished wide recording's stored projection, else computed.

    The projection is fitted on the last snapshot (:func:`fit_projection`, deterministic), so the
    stored ``projected.npy`` is checked against that snapshot projected now; one that disagrees (or
    a recording still in progress, or one written before the file existed) is projected here.
    """
    s = len(steps)
    files = [embedding_file(int(step)) for step in steps]
    if d != 3 and meta.get("status") == "complete" and member(run_dir, PROJECTED_FILE, required=False):
        raw = RawCodes(run_dir, files, n, d, dtype)  # headers checked; data read when asked
        stored = load_array(run_dir, PROJECTED_FILE, "float32", (s, n, 3), finite=True)
        last = raw.snapshot(s - 1)
        projection = fit_projection(last, fitted_on=s - 1)
        assert stored is not None
        scale = 1.0 + float(np.abs(stored[-1]).max())
        if np.allclose(projection.apply(last), stored[-1], rtol=1e-4, atol=1e-4 * scale):
            return raw, projection, stored
    full = np.empty((s, n, d), dtype=np.dtype(dtype))
    for i, rel in enumerate(files):
        full[i] = load_array(run_dir, rel, dtype, (n, d), finite=True)
    if d == 3:
        return full, None, full.astype(np.float32, copy=dtype != "float32")
    projection = fit_projection(full[-1], fitted_on=s - 1)
    return full, projection, projection.apply(full)


def _labels(run_dir: Path, n: int, classes: int) -> np.ndarray:
    labels = load_array(run_dir, LABELS_FILE, "uint8", (n,))
    assert labels is not None
    if len(labels) and int(labels.max()) >= classes:
        raise RunError(f"{run_dir / LABELS_FILE} holds label {int(labels.max())}, but the run names {classes} "
                       f"classes (labels 0-{classes - 1}).")
    return labels
