"""``latent3d.Recorder``: record any PyTorch network's embedding of fixed inputs at training steps, as a run folder.

A guest in somebody else's training loop (Lightning's callbacks, TensorBoard's SummaryWriter):
``step()`` never raises into the loop, never changes the model's modes or gradients, records on
rank 0 only, and does nothing but a set lookup on a step the schedule does not keep. A problem
while recording (a wrong shape, NaN, a full disk) stops the recording with one warning sentence;
the snapshots written so far stay a run that opens.
"""

from __future__ import annotations

import math
import os
import platform
import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from latent3d._version import __version__
from latent3d.config.schedule import DEFAULT_SCHEDULE, snapshot_steps
from latent3d.data.catalog import class_name_problem
from latent3d.runs.memory import recording_memory_bytes
from latent3d.runs.recording import decoder_shapes
from latent3d.runs.recording_writer import RecordingWriter
from latent3d.runs.store import resolve_run_path
from latent3d.training.probe import (
    DenseDecoder,
    Embed,
    LossFn,
    as_numpy,
    as_thumbnails,
    check_labels,
    dense_decoder,
    run_probe,
)
from latent3d.util.fileio import describe_os_error
from latent3d.util.limits import available_memory, free_disk, human_bytes

__all__ = ["Recorder", "RecorderWarning", "guest_recorder"]


class RecorderWarning(UserWarning):
    """The recording stopped (the training goes on); the message is one sentence saying why and what was kept."""


class Recorder:
    """Record a network's embedding of fixed probe inputs at the snapshot steps of a training, as a latent3d run.

    Parameters
    ----------
    out : path-like
        The run folder to write (a bare name goes under the runs folder, as ``train --out``); it must not exist.
    inputs : Tensor or ndarray, shape (N, ...)
        The probe inputs, fed to the model as they are, in batches (moved to the model's device).
    embed : callable or str
        ``embed(model, x) -> Tensor (B, D)``, or the name of a submodule (``"features.3"``) whose output
        a forward hook reads during ``model(x)``. Any width D: D other than 3 is shown through one PCA.
    labels : Tensor or array of int, shape (N,), optional
        Class numbers 0-9 (below ``len(class_names)`` when names are given), for the colours.
    images : Tensor or array, optional
        What to show for each input: ``(N, H, W)``, ``(N, 1|3, H, W)`` or ``(N, H, W, 1|3)``, at most 256
        pixels a side; floats are scaled from their range to 0-255.
    class_names : sequence of str, optional
        Names of labels 0, 1, ... (1 to 10 names).
    steps_per_epoch, epochs : int
        The training's optimisation steps per epoch and planned epochs: they place the snapshots.
    schedule : {"log", "epochs", "every:N"}
        As ``latent3d.train``'s ``snapshots``: step 0, about 20 log-spaced steps through epoch 1 and every
        epoch end (default); epoch ends only; or every N-th step and every epoch end. Epoch ends past
        ``epochs`` are recorded too.
    loss_fn : callable, optional
        ``loss_fn(model(x), targets) -> Tensor (B,)``: each input's loss (e.g.
        ``nn.CrossEntropyLoss(reduction="none")``); extra dimensions are averaged.
    targets : Tensor or array, shape (N, ...), optional
        What ``loss_fn`` compares with; default ``labels``.
    decoder : nn.Module or str, optional
        A dense decoder of the embedding (a VAE's): ``nn.Linear`` layers, ``nn.ReLU`` between them and
        ``nn.Sigmoid`` at the end, making grey images; a module or a submodule name. The window then decodes.
    float16 : bool
        Store the embedding (and decoder) as float16: half the disk and memory.
    batch_size : int
        Probe inputs per forward pass.
    dataset_name, note : str, optional
        Shown by ``info`` and the window.

    Raises
    ------
    ValueError
        One sentence, for a bad argument or an existing ``out``; nothing is written.

    Notes
    -----
    Call ``rec.step(model, 0)`` before training to keep the untrained model, then ``rec.step(model, step)``
    after each optimisation step, and ``rec.close()`` (or use ``with Recorder(...) as rec:``). See
    ``docs/recorder.md``.
    """

    def __init__(self, out: str | os.PathLike[str], *, inputs: Any, embed: Embed, labels: Any = None,
                 images: Any = None, class_names: Any = None, steps_per_epoch: int, epochs: int,
                 schedule: str = DEFAULT_SCHEDULE, loss_fn: LossFn | None = None, targets: Any = None,
                 decoder: nn.Module | str | None = None, float16: bool = False, batch_size: int = 1000,
                 dataset_name: str | None = None, note: str | None = None) -> None:
        for name, value in (("steps_per_epoch", steps_per_epoch), ("epochs", epochs), ("batch_size", batch_size)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"{name} must be a whole number of at least 1, not {value!r}.")
        if not (callable(embed) or isinstance(embed, str)):
            raise ValueError(f"embed must be a callable (model, inputs) -> embedding or a module name, not {embed!r}.")
        if decoder is not None and not isinstance(decoder, (nn.Module, str)):
            raise ValueError(f"decoder must be an nn.Module or a submodule name, not a {type(decoder).__name__}.")
        if dataset_name is not None and class_name_problem(dataset_name):
            raise ValueError(f"dataset_name {class_name_problem(dataset_name)}; it must be a short line of text.")
        if note is not None and not isinstance(note, str):
            raise ValueError(f"note must be a string, not a {type(note).__name__}.")
        self.target = resolve_run_path(out)
        if self.target.exists():
            raise ValueError(f"{self.target} already exists; pass another out= name.")
        self.inputs = inputs if isinstance(inputs, torch.Tensor) else torch.as_tensor(as_numpy(inputs, "inputs"))
        n = len(self.inputs) if self.inputs.ndim else 0
        if n < 1:
            raise ValueError("inputs must hold at least one input (shape (N, ...)).")
        self.embed, self.batch_size, self.float16 = embed, int(batch_size), bool(float16)
        self.labels: np.ndarray | None = None
        self.class_names: list[str] | None = None
        if labels is not None:
            self.labels, self.class_names = check_labels(labels, n, class_names)
        if class_names is not None and labels is None:
            raise ValueError("class_names needs labels= (which input is of which class).")
        self.images = as_thumbnails(images, n) if images is not None else None
        self.loss_fn = loss_fn
        if loss_fn is not None and targets is None and labels is None:
            raise ValueError("loss_fn needs targets= or labels= to compare the outputs with.")
        self.targets = None if loss_fn is None else (
            torch.as_tensor(self.labels, dtype=torch.int64) if targets is None else
            targets if isinstance(targets, torch.Tensor) else torch.as_tensor(as_numpy(targets, "targets")))
        if self.targets is not None and len(self.targets) != n:
            raise ValueError(f"targets holds {len(self.targets)} rows for {n} inputs.")
        grey = self.images.shape[1:3] if self.images is not None and self.images.ndim == 3 else None
        self.decoder: DenseDecoder | str | None = (
            dense_decoder(decoder, grey) if isinstance(decoder, nn.Module) else decoder)
        self._grey = grey
        self.steps_per_epoch, self.epochs, self.schedule = int(steps_per_epoch), int(epochs), schedule
        self._planned = snapshot_steps(schedule, self.steps_per_epoch, self.epochs)  # refuses a bad schedule
        self._keep = set(self._planned.tolist())
        self._meta = {"dataset": {k: v for k, v in (("name", dataset_name), ("class_names", self.class_names))
                                  if v is not None} or None,
                      "note": note, "source": "recorder"}
        self.writer: RecordingWriter | None = None
        self.stopped: str | None = None  # the warning sentence, once the recording stopped
        self.snapshots = 0
        self._closed = False

    # -- the user's loop calls these -------------------------------------------------------------

    def wants(self, step: int) -> bool:
        """Whether ``step`` is a snapshot step (and the recording still runs on this process)."""
        if self.stopped is not None or self._closed:
            return False
        total = self.steps_per_epoch * self.epochs
        return step in self._keep or (step > total and step % self.steps_per_epoch == 0)

    def step(self, model: nn.Module, step: int) -> bool:
        """Record ``model`` at training ``step`` if the schedule keeps it; never raises into the training.

        Parameters
        ----------
        model : nn.Module
            The network being trained (its modes are restored afterwards).
        step : int
            Optimisation steps done so far (0: before the first).

        Returns
        -------
        bool
            Whether a snapshot was written.
        """
        try:
            step = int(step)
        except (TypeError, ValueError):
            self._stop(f"step must be a whole number, not {step!r}")
            return False
        if not self.wants(step) or not _rank_zero():
            return False
        if self.writer is not None and self.writer.steps and step <= self.writer.steps[-1]:
            return False  # the same step twice (a callback and a loop): kept once
        try:
            self._record(model, step)
        except Exception as exc:  # noqa: BLE001 - a guest never breaks the training it watches
            self._stop(_reason(exc, step))
            return False
        return True

    def close(self) -> Path | None:
        """End the recording: the run is complete. Returns its folder, or None when nothing was recorded."""
        if self._closed:
            return self.target if self.snapshots else None
        self._closed = True
        if self.writer is None or not _rank_zero():
            return None
        try:
            return self.writer.finish()
        except Exception as exc:  # noqa: BLE001 - the snapshots stay listed; the run keeps status "recording"
            self._warn(f"latent3d could not mark the recording {self.target} complete ({describe_os_error(exc)}); "
                       f"its {self.snapshots} snapshots open as they are.")
            return self.target

    def __enter__(self) -> Recorder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- inside ----------------------------------------------------------------------------------

    def _record(self, model: nn.Module, step: int) -> None:
        modes = [(m, m.training) for m in model.modules()]  # per module: a frozen BatchNorm stays in eval
        try:
            model.eval()
            emb, loss = run_probe(model, self.inputs, self.embed, batch_size=self.batch_size, loss_fn=self.loss_fn,
                                  targets=self.targets)
            decoder = self._decoder(model)
            weights = decoder.tensors() if decoder is not None else None
        finally:
            for m, mode in modes:
                m.training = mode
        x = emb.cpu().numpy()
        if not np.isfinite(x).all():
            raise ValueError(f"the embedding at step {step} holds NaN or infinite values (did the training diverge?)")
        if self.float16:
            x = x.astype(np.float16)
            if not np.isfinite(x).all():
                raise ValueError(f"the embedding at step {step} holds values beyond float16's range (65,504); "
                                 "record without float16=True")
        per = None if loss is None else loss.cpu().numpy()
        if per is not None and not np.isfinite(per).all():
            raise ValueError(f"the loss at step {step} holds NaN or infinite values")
        if self.writer is None:
            self.writer = self._open(x.shape[1], decoder)
        self.writer.add_snapshot(step, x, per, weights)
        self.snapshots += 1

    def _decoder(self, model: nn.Module) -> DenseDecoder | None:
        if isinstance(self.decoder, str):
            self.decoder = dense_decoder(model.get_submodule(self.decoder), self._grey)
        return self.decoder

    def _open(self, dim: int, decoder: DenseDecoder | None) -> RecordingWriter:
        n = len(self.inputs)
        if decoder is not None and decoder.widths[0] != dim:
            raise ValueError(f"decoder= takes {decoder.widths[0]} numbers but the embedding has {dim}")
        itemsize = 2 if self.float16 else 4
        snapshots = len(self._planned)
        # As the reader counts them (runs/recording.py), so that what is recorded here also opens there.
        decoder_bytes = 0 if decoder is None else 4 * sum(
            math.prod(shape) for shape in decoder_shapes(list(decoder.widths)).values())
        need = recording_memory_bytes(snapshots, n, dim, itemsize, decoder_bytes=decoder_bytes,
                                      image_bytes=0 if self.images is None else self.images.nbytes)
        memory = available_memory()
        if need > memory:
            raise MemoryError(f"{snapshots} snapshots of {n:,} x {dim} numbers would need about {human_bytes(need)} "
                              f"to open, more than the {human_bytes(memory)} available; record fewer "
                              "inputs" + ("" if self.float16 else " or pass float16=True"))
        disk = snapshots * (n * (dim * itemsize + (4 if self.loss_fn else 0)) + decoder_bytes * itemsize // 4)
        room = free_disk(self.target.parent if self.target.parent.exists() else Path.cwd())
        if room is not None and disk > room:
            raise OSError(28, f"the recording needs about {human_bytes(disk)} of disk, more than the "
                          f"{human_bytes(room)} free")
        meta = {"steps_per_epoch": self.steps_per_epoch, "epochs": self.epochs, "points": n, "dim": dim,
                "dtype": "float16" if self.float16 else "float32", "schedule": self.schedule,
                "losses": self.loss_fn is not None, "labels": self.labels is not None,
                "images": None if self.images is None else {"shape": list(self.images.shape[1:])},
                "decoder": None if decoder is None else {"widths": decoder.widths,
                                                         "image_shape": list(decoder.image_shape)},
                "versions": {"latent3d": __version__, "torch": torch.__version__, "numpy": np.__version__,
                             "python": platform.python_version()},
                "command": " ".join(Path(sys.argv[0]).name if i == 0 else a for i, a in enumerate(sys.argv))[:500],
                **self._meta}
        return RecordingWriter(self.target, meta, labels=self.labels, images=self.images)

    def _stop(self, reason: str) -> None:
        if self.writer is not None and not self.snapshots:
            self.writer.abort()  # the first snapshot failed: no partial folder is left behind
        if self.stopped is None:
            plural = "" if self.snapshots == 1 else "s"
            kept = (f"what was recorded so far ({self.snapshots} snapshot{plural}) stays in {self.target}"
                    if self.snapshots else "nothing was recorded")
            self._warn(f"latent3d stopped recording: {reason}; {kept}, and the training goes on.")

    def _warn(self, sentence: str) -> None:
        self.stopped = sentence
        warnings.warn(sentence, RecorderWarning, stacklevel=4)


def guest_recorder(out: Any, steps_per_epoch: int, epochs: int, options: dict[str, Any]) -> Recorder | None:
    """A Recorder for a training callback, or None after one warning: a guest never stops the training."""
    try:
        return Recorder(out, steps_per_epoch=steps_per_epoch, epochs=epochs, **options)
    except (ValueError, TypeError) as exc:
        warnings.warn(f"latent3d is not recording: {exc}", RecorderWarning, stacklevel=3)
        return None


def _rank_zero() -> bool:
    dist = torch.distributed
    return not (dist.is_available() and dist.is_initialized()) or dist.get_rank() == 0


def _reason(exc: BaseException, step: int) -> str:
    if isinstance(exc, OSError):
        return f"writing the snapshot at step {step} failed ({describe_os_error(exc)})"
    text = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else type(exc).__name__
    return text[0].lower() + text[1:] if isinstance(exc, (ValueError, MemoryError)) else \
        f"the snapshot at step {step} failed ({type(exc).__name__}: {text})"
