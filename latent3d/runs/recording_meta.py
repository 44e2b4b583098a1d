"""The run folder of kind ``recording`` (format 3): its file names and the checks of its untrusted ``run.json``.

A recording is what :class:`latent3d.Recorder` writes for somebody else's network, or what
``import-tensorboard`` makes of a TensorBoard log: an embedding of any width at training steps,
with labels, images, per-sample losses and a dense decoder when they were given. Layout and keys
are documented in ``docs/run-format.md``.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from latent3d.config.schedule import MAX_SNAPSHOTS, parse_schedule
from latent3d.config.train import MAX_EPOCHS, MAX_IMAGES, MAX_WIDTH
from latent3d.runs.meta_checks import check_name_items, dataset_class_names
from latent3d.runs.snapshots import MAX_STEPS
from latent3d.runs.validation import RunError, short_repr

__all__ = ["CAPABILITIES", "EMBEDDINGS_DIR", "IMAGES_FILE", "KIND", "LABELS_FILE", "LOSSES_DIR", "MAX_CLASSES",
           "MAX_IMAGE_SIDE", "PROJECTED_FILE", "RECORDING_FORMAT", "SOURCES", "STATUSES", "check_recording_meta",
           "decoder_file", "embedding_file", "loss_file"]

RECORDING_FORMAT = 3
KIND = "recording"
STATUSES = ("recording", "complete")  # "recording": a training is adding snapshots now (or stopped without close())
SOURCES = ("recorder", "tensorboard")
#: What a run can have; an autoencoder run has all of them (its images are its dataset's).
CAPABILITIES = ("decoder", "encoders", "images", "labels", "losses")
MAX_CLASSES = 10  # the window colours ten classes
MAX_IMAGE_SIDE = 256  # thumbnails beside a point, not the training data at full size
EMBEDDINGS_DIR = "embeddings"
LOSSES_DIR = "losses"
DECODER_DIR = "decoder"
LABELS_FILE = "labels.npy"
PROJECTED_FILE = "projected.npy"  # a finished wide recording's codes through its projection, [S, N, 3] float32
IMAGES_FILE = "images.npy"
EMBEDDING_DTYPES = ("float32", "float16")


def embedding_file(step: int) -> str:
    """One snapshot's embedding ``[N, D]``, relative to the run folder."""
    return f"{EMBEDDINGS_DIR}/step_{step:07d}.npy"


def loss_file(step: int) -> str:
    """One snapshot's per-sample loss ``[N]``, relative to the run folder."""
    return f"{LOSSES_DIR}/step_{step:07d}.npy"


def decoder_file(step: int) -> str:
    """One snapshot's decoder weights (safetensors), relative to the run folder."""
    return f"{DECODER_DIR}/step_{step:07d}.safetensors"


def _is_int(v: object, low: int, high: int) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and low <= v <= high


def _is_number(v: object) -> bool:
    try:
        return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
    except OverflowError:
        return False


def check_recording_meta(p: Path, meta: dict[str, Any]) -> None:
    """Check the keys of a recording's ``run.json`` at ``p`` that loading relies on; raise RunError otherwise.

    ``format_version`` (3) is checked by the caller; everything else here: kind, status, counts,
    snapshots, and the optional parts (losses, labels, images, decoder, class names).
    """
    if meta.get("kind") != KIND:
        raise RunError(f"{p}: format 3 runs must be of kind \"recording\", not {short_repr(meta.get('kind'))}.")
    if meta.get("status") not in STATUSES:
        raise RunError(f"{p}: 'status' must be \"recording\" or \"complete\", not {short_repr(meta.get('status'))}.")
    if meta.get("source") not in SOURCES:
        raise RunError(f"{p}: 'source' must be \"recorder\" or \"tensorboard\", not {short_repr(meta.get('source'))}.")
    for key, low, high in (("steps_per_epoch", 1, MAX_STEPS), ("epochs", 0, MAX_EPOCHS), ("points", 1, MAX_IMAGES),
                           ("dim", 1, MAX_WIDTH)):
        if not _is_int(meta.get(key), low, high):
            raise RunError(f"{p}: '{key}' must be a whole number from {low} to {high:,}, "
                           f"not {short_repr(meta.get(key))}.")
    if meta.get("dtype") not in EMBEDDING_DTYPES:
        raise RunError(f"{p}: 'dtype' must be \"float32\" or \"float16\", not {short_repr(meta.get('dtype'))}.")
    schedule = meta.get("schedule")
    if schedule is not None:
        try:
            parse_schedule(schedule)
        except ValueError:
            raise RunError(f"{p}: 'schedule' must be epochs, log, every:N or null, "
                           f"not {short_repr(schedule)}.") from None
    for key in ("losses", "labels"):
        if not isinstance(meta.get(key), bool):
            raise RunError(f"{p}: '{key}' must be true or false, not {short_repr(meta.get(key))}.")
    _check_snapshots(p, meta)
    _check_images(p, meta.get("images"))
    _check_decoder(p, meta)
    _check_class_names(p, meta)
    for key in ("created", "note", "command", "device"):
        if meta.get(key) is not None and not isinstance(meta[key], str):
            raise RunError(f"{p}: '{key}' must be a string.")


def _check_snapshots(p: Path, meta: dict[str, Any]) -> None:
    snaps = meta.get("snapshots")
    if not isinstance(snaps, list) or not 1 <= len(snaps) <= MAX_SNAPSHOTS:
        raise RunError(f"{p}: 'snapshots' must be a list of 1 to {MAX_SNAPSHOTS:,} objects.")
    losses = meta["losses"]
    for i, s in enumerate(snaps):
        if not isinstance(s, dict) or set(s) != {"step", "loss"} or not _is_int(s["step"], 0, MAX_STEPS):
            raise RunError(f"{p}: snapshot {i} must be an object of a whole 'step' from 0 to {MAX_STEPS:,} "
                           "and a 'loss'.")
        if not (_is_number(s["loss"]) if losses else s["loss"] is None):
            want = "a finite number (the run has losses)" if losses else "null (the run has no losses)"
            raise RunError(f"{p}: snapshot {i} has loss {short_repr(s['loss'])}; it must be {want}.")
    steps = np.array([s["step"] for s in snaps], dtype=np.int64)
    if len(steps) > 1 and not (np.diff(steps) > 0).all():
        raise RunError(f"{p}: snapshot steps must increase strictly.")


def _check_images(p: Path, images: object) -> None:
    if images is None:
        return
    shape = images.get("shape") if isinstance(images, dict) else None
    if (not isinstance(shape, list) or len(shape) not in (2, 3) or not all(_is_int(v, 1, MAX_IMAGE_SIDE)
                                                                          for v in shape[:2])
            or (len(shape) == 3 and shape[2] != 3)):
        raise RunError(f"{p}: 'images' must be null or {{\"shape\": [H, W]}} (grey) or [H, W, 3] (colour) with "
                       f"sides from 1 to {MAX_IMAGE_SIDE}, not {short_repr(images)}.")


def _check_decoder(p: Path, meta: dict[str, Any]) -> None:
    decoder = meta.get("decoder")
    if decoder is None:
        return
    widths = decoder.get("widths") if isinstance(decoder, dict) else None
    image = decoder.get("image_shape") if isinstance(decoder, dict) else None
    if (not isinstance(widths, list) or not 2 <= len(widths) <= 16 or not all(_is_int(w, 1, MAX_WIDTH) for w in widths)
            or not isinstance(image, list) or len(image) != 2 or not all(_is_int(v, 1, MAX_IMAGE_SIDE) for v in image)):
        raise RunError(f"{p}: 'decoder' must be null or {{\"widths\": [D, ..., H*W], \"image_shape\": [H, W]}} "
                       f"(2 to 16 widths), not {short_repr(decoder)}.")
    if widths[0] != meta["dim"] or widths[-1] != image[0] * image[1]:
        raise RunError(f"{p}: the decoder maps {widths[0]} numbers to {widths[-1]} pixels, but the embedding is "
                       f"{meta['dim']}-D and its images are {image[0]}x{image[1]}.")


def _check_class_names(p: Path, meta: dict[str, Any]) -> None:
    dataset = meta.get("dataset")
    if dataset is None:
        return
    if not isinstance(dataset, dict):
        raise RunError(f"{p}: 'dataset' must be a JSON object or null.")
    names = dataset_class_names(p, dataset)
    if names is None:
        return
    if not isinstance(names, list) or not 1 <= len(names) <= MAX_CLASSES:
        raise RunError(f"{p}: 'dataset.class_names' must be a list of 1 to {MAX_CLASSES} names.")
    check_name_items(p, names, "the names must differ")
