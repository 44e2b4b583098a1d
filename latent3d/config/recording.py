"""What a recording of somebody else's training is, as a typed value: its epochs, schedule and embedding width."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["RecordingConfig"]


@dataclass(frozen=True)
class RecordingConfig:
    """The description of a recording (``Run.config`` of a run of kind ``recording``).

    Parameters
    ----------
    epochs : int
        Epochs the training planned (the recording may stop earlier).
    steps_per_epoch : int
        Optimisation steps in one epoch.
    snapshots : str or None
        The schedule (``"log"``, ``"epochs"``, ``"every:N"``); None for an imported log, whose steps
        are whatever its writer chose.
    embedding_dim : int
        ``D``, the width of the recorded embedding.
    dtype : {"float32", "float16"}
        How the embedding is stored.
    source : {"recorder", "tensorboard"}
        Who wrote the run.
    """

    epochs: int
    steps_per_epoch: int
    snapshots: str | None
    embedding_dim: int
    dtype: str = "float32"
    source: str = "recorder"

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return asdict(self)
