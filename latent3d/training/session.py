"""Train and save one run: the routine the ``train`` command and the window's training process share."""

from __future__ import annotations

import os
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from safetensors import SafetensorError

from latent3d._version import __version__
from latent3d.data import datasets as data
from latent3d.data.catalog import dataset_info
from latent3d.job.train_job import TrainJob
from latent3d.runs.provenance import portable_dir
from latent3d.runs.writer import RunWriter
from latent3d.training.download import download
from latent3d.util.fileio import describe_os_error
from latent3d.util.threads import ThreadGovernor, check_threads

if TYPE_CHECKING:  # torch stays out of this module's import: `import latent3d.training.session` stays cheap
    from latent3d.training.loop import Snapshot

__all__ = ["THREADS_ENV", "SaveError", "TrainJob", "TrainStart", "asked_threads", "train_and_save"]

THREADS_ENV = "LATENT3D_TRAIN_THREADS"  # a fixed thread count for every training that asks for none


class SaveError(OSError):
    """The run could not be written (disk full, no permission); the message is one sentence for the user."""


@dataclass(frozen=True)
class TrainStart:
    """What is known once the data is loaded, before the first epoch."""

    target: Path
    labels: np.ndarray
    n_batches: int
    train_images: int
    device: str


def _provenance(job: TrainJob, root: Path, train_images: int, test_images: int, device: str) -> dict[str, Any]:
    import torch

    info = dataset_info(job.dataset)
    meta: dict[str, Any] = {
        "dataset": {"name": info.title, "data_dir": portable_dir(root),
                    "sha256": data.dataset_checksum(root, dataset=info.key),
                    "train_images": train_images, "test_images": test_images, "id": info.key,
                    "class_names": list(info.class_names)},
        "versions": {"latent3d": __version__, "torch": torch.__version__, "numpy": np.__version__,
                     "python": platform.python_version(), "platform": platform.platform()},
        "device": device,
        "command": job.command,
        **job.extra,
    }
    if job.note:
        meta["note"] = job.note
    return meta


def asked_threads(job: TrainJob) -> int | None:
    """The job's thread count, else ``$LATENT3D_TRAIN_THREADS`` when it holds one, else None (automatic)."""
    if job.threads is not None:
        return job.threads
    env = os.environ.get(THREADS_ENV, "").strip()
    try:
        return check_threads(int(env)) if env else None
    except ValueError:
        return None  # a malformed variable is ignored as if unset: the automatic count is always safe


def train_and_save(
    job: TrainJob,
    *,
    should_stop: Callable[[], bool] = lambda: False,
    on_start: Callable[[TrainStart], None] | None = None,
    on_batch: Callable[[int, int, float], None] | None = None,
    on_snapshot: Callable[[Snapshot], None] | None = None,
    threads: ThreadGovernor | None = None,
) -> Path | None:
    """Load the data, train with :func:`latent3d.training.loop.train` and write the run atomically.

    Parameters
    ----------
    job : TrainJob
        What to train and where to save it.
    should_stop : callable
        Checked between batches; once it returns True the training ends and nothing is saved.
    on_start : callable, optional
        Called once with a :class:`TrainStart` when the data is in memory.
    on_batch : callable, optional
        ``on_batch(batch, n_batches, running_loss)`` every 50 batches.
    on_snapshot : callable, optional
        Called with each :class:`latent3d.training.loop.Snapshot` (step 0 first) after it is stored.
    threads : ThreadGovernor, optional
        Sets torch's thread count between batches (the window's training passes one that knows
        when the window draws); default one for :func:`asked_threads`. What it chose is kept in
        ``run.json`` under ``threads``.

    Returns
    -------
    Path or None
        The complete run folder, or None when stopped (the partial run is deleted).

    Raises
    ------
    latent3d.data.DataError
        The dataset is missing or malformed.
    latent3d.training.loop.TrainingDiverged
        The loss became NaN or infinite; nothing is saved.
    SaveError
        Writing the run failed; nothing is saved.
    """
    root = data.resolve_data_dir(job.data_dir)
    if job.download:
        download(root, job.dataset)
    train_split, test_split = data.load_split(root, "train", job.dataset), data.load_split(root, "test", job.dataset)

    import torch  # imported here: `import latent3d.training.session` stays cheap and torch-free

    from latent3d.training import loop as training

    device = training.pick_device(job.device)
    governor = threads if threads is not None else ThreadGovernor(torch.set_num_threads, asked_threads(job))
    governor.apply()  # before the first snapshot: its evaluation runs at the chosen count too

    def stop_or_govern() -> bool:  # the loop asks this between batches: the place to change the thread count
        governor.update()
        return should_stop()

    config = job.config
    arrays = training.TrainingData.from_uint8(train_split, test_split, config)
    provenance = _provenance(job, root, len(arrays.train_x), len(arrays.test_x), str(device))
    model = training.build_model(config)
    n_batches = -(-len(arrays.train_x) // config.batch_size)
    if on_start is not None:
        on_start(TrainStart(job.target, arrays.test_y, n_batches, len(arrays.train_x), str(device)))
    epoch_seconds = [0.0] * config.epochs  # training time of each epoch, summed over its snapshots
    started = time.perf_counter()
    partials_before = _partials(job.target)
    try:
        with RunWriter(job.target, config, steps_per_epoch=n_batches, weights_dtype=job.weights_dtype,
                       keep_encoder=job.keep_encoder, extra_meta=provenance) as writer:
            last = -1
            for r in training.train(config, arrays, device=device, model=model, should_stop=stop_or_govern,
                                    on_batch=on_batch):
                writer.add_snapshot(r.step, r.codes, r.test_bce, r.test_loss, r.weights, step_losses=r.step_losses,
                                    train_loss=r.train_loss)
                last = r.step
                if r.step:
                    epoch_seconds[(r.step - 1) // n_batches] += r.seconds
                if on_snapshot is not None:
                    on_snapshot(r)
            if last < config.epochs * n_batches or should_stop():
                writer.abort()  # a stopped run is discarded, never kept looking complete
                return None
            train_codes = training.encode_all(model, torch.from_numpy(arrays.train_x).to(device)).cpu().numpy()
            writer.extra_meta["seconds_per_epoch"] = [round(s, 3) for s in epoch_seconds]
            writer.extra_meta["wall_seconds"] = round(time.perf_counter() - started, 2)
            writer.extra_meta["threads"] = governor.record()
            return writer.finish(train_codes=train_codes, train_labels=arrays.train_y, labels=arrays.test_y)
    except (OSError, SafetensorError) as exc:  # safetensors reports a full disk as its own error type
        if isinstance(exc, SaveError):
            raise
        left = [p for p in _partials(job.target) if p not in partials_before]  # a read-only disk keeps ours
        tail = (f"; its unfinished folder {left[0]} could not be removed, delete it when the disk allows"
                if left else "")
        raise SaveError(f"Could not save the run to {job.target} ({describe_os_error(exc)}); "
                        f"no run was saved{tail}.") from None


def _partials(target: Path) -> list[Path]:
    try:
        return sorted(target.parent.glob(f".{target.name}.partial-*"))
    except OSError:
        return []
