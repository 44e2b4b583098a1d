"""The Recorder as a Hugging Face ``TrainerCallback``: ``Trainer(..., callbacks=[RecorderCallback("runs/x", ...)])``.

Imported only when used (``pip install latent3d[hf]``). Steps per epoch and epochs are read from
the trainer's state when not given; the model is recorded before the first step and at each
``on_step_end`` the schedule keeps (``state.global_step``), on rank 0 only.
"""

from __future__ import annotations

import math
import os
from typing import Any

from transformers import TrainerCallback

from latent3d.training.recorder import Recorder, guest_recorder

__all__ = ["RecorderCallback"]


class RecorderCallback(TrainerCallback):
    """Record the model's embedding of probe inputs during ``Trainer.train()``.

    Parameters
    ----------
    out : path-like
        The run folder to write (it must not exist).
    **recorder : Any
        The :class:`latent3d.Recorder` arguments (``inputs``, ``embed``, ``labels``, ...); ``steps_per_epoch``
        and ``epochs`` default to the trainer's.
    """

    def __init__(self, out: str | os.PathLike[str], **recorder: Any) -> None:
        self.out, self.options = out, recorder
        self.recorder: Recorder | None = None

    def on_train_begin(self, args: Any, state: Any, control: Any, model: Any = None, **kwargs: Any) -> None:
        """Make the recorder from the state's step counts, and record the model before its first step."""
        if self.recorder is None:
            epochs = self.options.pop("epochs", None) or max(1, math.ceil(state.num_train_epochs))
            spe = self.options.pop("steps_per_epoch", None) or max(1, math.ceil(state.max_steps / epochs))
            self.recorder = guest_recorder(self.out, spe, epochs, self.options)
            if self.recorder is None:
                return
        if model is not None:
            self.recorder.step(model, state.global_step)

    def on_step_end(self, args: Any, state: Any, control: Any, model: Any = None, **kwargs: Any) -> None:
        """Record after an optimisation step the schedule keeps."""
        if self.recorder is not None and model is not None:
            self.recorder.step(model, state.global_step)

    def on_train_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        """The run is complete."""
        if self.recorder is not None:
            self.recorder.close()
