"""What a run can have (decoder, encoders, images, labels, losses), why a feature is off, the error for asking.

The window's features key on these names (``Run.capabilities``, ``Run.why_not``): a recording of
somebody else's network has only what was recorded; latent3d's own autoencoder runs have all five.
"""

from __future__ import annotations

from latent3d.runs.recording_meta import CAPABILITIES
from latent3d.runs.validation import RunError

__all__ = ["ALL_CAPABILITIES", "CAPABILITIES", "WHY_NOT", "MissingCapability"]

ALL_CAPABILITIES = frozenset(CAPABILITIES)

WHY_NOT = {
    "decoder": "was recorded without a decoder, so nothing can be decoded (the Recorder's decoder= keeps a dense "
               "one)",
    "encoders": "has no encoder latent3d can run (it records somebody else's network), so own images cannot be "
                "placed",
    "images": "holds no input images, so none can be shown (the Recorder's images= keeps them)",
    "labels": "holds no labels, so every point is one class (the Recorder's labels= keeps them)",
    "losses": "holds no per-sample losses, so nothing can be coloured by loss (the Recorder's loss_fn= keeps them)",
}


class MissingCapability(RunError):
    """A run lacks what was asked of it (a decoder, encoders, images, labels, losses); one sentence why.

    Attributes
    ----------
    capability : str
        The missing one, as in :attr:`Run.capabilities`.
    """

    def __init__(self, message: str, capability: str) -> None:
        super().__init__(message)
        self.capability = capability
