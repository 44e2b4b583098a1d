"""latent3d: watch a network learn, in 3-D: its own autoencoder on Fashion-MNIST, or any PyTorch network you record.

The public API (README, "From Python"; ``docs/recorder.md``): :func:`train`, :func:`load_run`, :func:`show`,
:func:`export`, :class:`Recorder`, :func:`import_tensorboard`. Importing the package is light: torch and
Qt are imported only when ``train``, ``show`` or ``Recorder`` is used, and the API module itself when one
of them is first looked up (so ``run.py`` can install its signal handling before anything else is imported).
The torch side lives in :mod:`latent3d.training`, so the name ``latent3d.train`` is the function only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from latent3d._version import __version__

if TYPE_CHECKING:
    from latent3d.api import export, import_tensorboard, load_run, show, train
    from latent3d.training.recorder import Recorder

__all__ = ["Recorder", "__version__", "export", "import_tensorboard", "load_run", "show", "train"]

_API = ("export", "import_tensorboard", "load_run", "show", "train")


def __getattr__(name: str) -> Any:
    """The API's names load the API module when first named; ``Recorder`` imports torch then, not with the package."""
    if name in _API:
        from latent3d import api

        return getattr(api, name)
    if name == "Recorder":
        from latent3d.training.recorder import Recorder

        return Recorder
    raise AttributeError(f"module 'latent3d' has no attribute {name!r}")
