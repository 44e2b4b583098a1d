"""The Recorder as a Lightning ``Callback``: ``Trainer(callbacks=[RecorderCallback("runs/my-net", ...)])``.

Imported only when used (``pip install latent3d[lightning]``). Steps per epoch and epochs are read
from the trainer when not given; the model is recorded before the first step and after each
optimiser step (``trainer.global_step``), on global rank 0 only.
"""

from __future__ import annotations

import math
import os
from typing import Any

try:
    from lightning.pytorch import Callback
except ImportError:  # the standalone package of Lightning 1.x / 2.x
    from pytorch_lightning import Callback  # type: ignore[assignment,no-redef,unused-ignore]

from latent3d.training.recorder import Recorder, guest_recorder

__all__ = ["RecorderCallback"]


class RecorderCallback(Callback):
    """Record the LightningModule's embedding of probe inputs during ``trainer.fit``.

    Parameters
    ----------
    out : path-like
        The run folder to write (it must not exist).
    **recorder : Any
        The :class:`latent3d.Recorder` arguments (``inputs``, ``embed``, ``labels``, ``images``, ...);
        ``steps_per_epoch`` and ``epochs`` default to the trainer's.
    """

    def __init__(self, out: str | os.PathLike[str], **recorder: Any) -> None:
        self.out, self.options = out, recorder
        self.recorder: Recorder | None = None

    def on_train_start(self, trainer: Any, pl_module: Any) -> None:
        """Make the recorder from the trainer's epoch length, and record the model before its first step."""
        if self.recorder is None:
            spe = self.options.pop("steps_per_epoch", None) or max(
                1, math.ceil(trainer.num_training_batches / max(1, trainer.accumulate_grad_batches)))
            epochs = self.options.pop("epochs", None) or (
                trainer.max_epochs if trainer.max_epochs and trainer.max_epochs > 0 else
                max(1, math.ceil(trainer.max_steps / spe)))
            self.recorder = guest_recorder(self.out, spe, epochs, self.options)
            if self.recorder is None:
                return
        self.recorder.step(pl_module, trainer.global_step)

    def on_train_batch_end(self, trainer: Any, pl_module: Any, outputs: Any, batch: Any, batch_idx: int) -> None:
        """Record after an optimiser step the schedule keeps."""
        if self.recorder is not None:
            self.recorder.step(pl_module, trainer.global_step)

    def on_train_end(self, trainer: Any, pl_module: Any) -> None:
        """The run is complete."""
        if self.recorder is not None:
            self.recorder.close()
