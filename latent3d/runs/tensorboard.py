"""Importing a TensorBoard embedding log as a recording: all files checked first, then one run written, or nothing.

``run.py import-tensorboard LOGDIR --out RUN [--tag T]`` and ``latent3d.import_tensorboard``. The
points must be the same at every step (the same count, the same labels): that is what makes the
steps one motion. Labels come from ``metadata.tsv`` (at most ten distinct values become classes;
more are left out, with a note in the run), thumbnails from ``sprite.png``.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import numpy as np

from latent3d._version import __version__
from latent3d.data.catalog import class_name_problem
from latent3d.runs.memory import recording_memory_bytes, refuse_if_too_large
from latent3d.runs.recording_meta import MAX_CLASSES
from latent3d.runs.recording_writer import RecordingWriter
from latent3d.runs.tensorboard_log import (
    CONFIG_FILE,
    LogEntry,
    LogError,
    check_sprite_size,
    is_tensorboard_log,
    log_entries,
    read_metadata,
    read_sprite,
    read_tensor,
)
from latent3d.runs.validation import RunError
from latent3d.util.fileio import describe_os_error

__all__ = ["LogError", "cached_import", "import_tensorboard", "is_tensorboard_log"]


def _classes(labels: list[str]) -> tuple[np.ndarray | None, list[str] | None, str | None]:
    """Class numbers and names of the label column, or (None, None, why) when they cannot be ten classes."""
    distinct = sorted(set(labels))
    if len(distinct) > MAX_CLASSES:
        return None, None, f"metadata.tsv holds {len(distinct):,} distinct labels; the window colours {MAX_CLASSES}"
    if all(v.strip().isdigit() and int(v) < MAX_CLASSES for v in distinct):  # class numbers: keep them
        numbers = np.array([int(v) for v in labels], np.uint8)
        names = [str(k) for k in range(int(numbers.max()) + 1)]
        return numbers, names, None
    bad = next((v for v in distinct if class_name_problem(v)), None)
    if bad is not None:
        return None, None, f"the label {bad[:40]!r} of metadata.tsv {class_name_problem(bad)}"
    index = {v: i for i, v in enumerate(distinct)}
    return np.array([index[v] for v in labels], np.uint8), distinct, None


def _read_log(logdir: Path, tag: str | None) -> dict[str, Any]:
    """Everything the run needs, read and checked; raises LogError before anything is written."""
    chosen, entries = log_entries(logdir, tag)
    tensors: list[np.ndarray] = []
    for i, entry in enumerate(entries):
        values = read_tensor(logdir, entry)
        if tensors and values.shape != tensors[0].shape:
            raise LogError(f"{logdir / entry.tensor} holds {values.shape[0]:,} points of {values.shape[1]} numbers, "
                           f"but step {entries[0].step} holds {tensors[0].shape[0]:,} of {tensors[0].shape[1]}: the "
                           "points must be the same at every step.")
        if i == 0:  # the whole log's memory, known from its first step, before the rest is read
            n, d = values.shape
            refuse_if_too_large(logdir, recording_memory_bytes(len(entries), n, d, 4) + 8 * n * d, len(entries))
        if np.abs(values).max(initial=0.0) > np.finfo(np.float32).max:
            raise LogError(f"{logdir / entry.tensor} holds numbers beyond float32's range.")
        tensors.append(values.astype(np.float32))
    n = tensors[0].shape[0]
    labels = names = note = None
    with_meta = [e for e in entries if e.metadata is not None]
    if with_meta:
        column = read_metadata(logdir, with_meta[0].metadata or "", n)
        for e in with_meta[1:]:
            if read_metadata(logdir, e.metadata or "", n) != column:
                raise LogError(f"{logdir / (e.metadata or '')} labels the points differently from step "
                               f"{with_meta[0].step}: the points must be the same at every step.")
        labels, names, note = _classes(column)
    images = _sprite(logdir, [e for e in entries if e.sprite is not None], n)
    return {"tag": chosen, "entries": entries, "tensors": tensors, "labels": labels, "names": names, "note": note,
            "images": images}


def _sprite(logdir: Path, with_sprite: list[LogEntry], n: int) -> np.ndarray | None:
    if not with_sprite:
        return None
    for e in with_sprite:  # each one's size is checked from its header; the last one is kept
        if e.image_wh != with_sprite[-1].image_wh:
            raise LogError(f"{logdir / CONFIG_FILE}: the sprites of steps {e.step} and {with_sprite[-1].step} have "
                           "images of different sizes.")
        check_sprite_size(logdir, e, n)
    return read_sprite(logdir, with_sprite[-1], n)


def import_tensorboard(logdir: str | os.PathLike[str], out: str | os.PathLike[str], *, tag: str | None = None,
                       steps_per_epoch: int | None = None, float16: bool = False, sync: bool = True) -> Path:
    """Write the embeddings of one tag of a TensorBoard log as a recording run folder.

    Parameters
    ----------
    logdir : path-like
        The folder ``SummaryWriter`` wrote (it holds ``projector_config.pbtxt``).
    out : path-like
        The run folder to create; it must not exist.
    tag : str, optional
        Which embedding tag (needed when the log holds several).
    steps_per_epoch : int, optional
        Steps in one epoch of the training, to show epochs; default: the whole log is one epoch.
    float16 : bool
        Store the embedding as float16.
    sync : bool
        fsync the files (off only for throwaway runs).

    Returns
    -------
    Path
        ``out``, complete.

    Raises
    ------
    LogError
        One sentence for anything missing, malformed, inconsistent or too large; nothing is written.
    RunError
        ``out`` exists, or it could not be written (nothing is left behind).
    """
    logdir, target = Path(logdir).expanduser(), Path(out).expanduser()
    if target.exists():
        raise RunError(f"{target} already exists; choose another --out name.")
    if steps_per_epoch is not None and (isinstance(steps_per_epoch, bool) or not isinstance(steps_per_epoch, int)
                                        or steps_per_epoch < 1):
        raise ValueError(f"steps_per_epoch must be a whole number of at least 1, not {steps_per_epoch!r}.")
    log = _read_log(logdir, tag)
    steps = [e.step for e in log["entries"]]
    spe = steps_per_epoch or max(steps[-1], 1)
    n, d = log["tensors"][0].shape
    images = log["images"]
    title = f"TensorBoard {log['tag']}"[:40]
    title = title if not class_name_problem(title) else "TensorBoard log"
    meta = {"steps_per_epoch": spe, "epochs": -(-steps[-1] // spe), "points": n, "dim": d,
            "dtype": "float16" if float16 else "float32", "schedule": None, "losses": False,
            "labels": log["labels"] is not None,
            "images": None if images is None else {"shape": list(images.shape[1:])}, "decoder": None,
            "dataset": {"name": title, "class_names": log["names"]} if log["names"] else {"name": title},
            "source": "tensorboard", "note": log["note"], "command": f"import-tensorboard {logdir}"[:500],
            "versions": {"latent3d": __version__, "numpy": np.__version__}}
    try:
        writer = RecordingWriter(target, meta, labels=log["labels"], images=images, sync=sync, live=False)
    except OSError as exc:
        raise RunError(f"Could not write {target} ({describe_os_error(exc)}); nothing was written.") from None
    try:
        for step, values in zip(steps, log["tensors"]):
            writer.add_snapshot(step, values.astype(np.float16) if float16 else values)
        writer.finish()
    except OSError as exc:
        writer.abort()
        raise RunError(f"Could not write {target} ({describe_os_error(exc)}); nothing was written.") from None
    except BaseException:
        writer.abort()
        raise
    return target


def cached_import(logdir: Path, cache: Path, tag: str | None = None) -> Path:
    """The run of ``logdir`` imported into ``cache`` (reused while the log's config is unchanged), for ``view LOGDIR``.

    The cache name is a hash of the log's absolute path, the tag, and the config's size and time, so
    a log that grows (more steps) is imported again; an older import of it is left for the user to delete.
    """
    logdir = Path(logdir).expanduser().resolve()
    try:
        st = (logdir / CONFIG_FILE).stat()
    except OSError as exc:
        raise LogError(f"{logdir / CONFIG_FILE} cannot be read ({describe_os_error(exc)}).") from None
    key = hashlib.sha256(f"{logdir}\0{tag}\0{st.st_size}\0{st.st_mtime_ns}".encode()).hexdigest()[:16]
    target = cache / f"{logdir.name[:40]}-{key}"
    if (target / "run.json").is_file():
        return target
    cache.mkdir(parents=True, exist_ok=True)
    return import_tensorboard(logdir, target, tag=tag)
