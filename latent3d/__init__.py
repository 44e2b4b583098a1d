"""latent3d: watch a network learn, in 3-D: its own autoencoder on Fashion-MNIST, or any PyTorch network you record.

The public API (README, "From Python"; ``docs/recorder.md``): :func:`train`, :func:`load_run`, :func:`show`,
:func:`export`, :class:`Recorder`, :func:`import_tensorboard`. Importing the package is light: torch and
Qt are imported only when ``train``, ``show`` or ``Recorder`` is used. The torch side lives in
:mod:`latent3d.training`, so the name ``latent3d.train`` is the function only.
"""

from typing import TYPE_CHECKING, Any

from latent3d._version import __version__
from latent3d.api import export, import_tensorboard, load_run, show, train

if TYPE_CHECKING:
    from latent3d.training.recorder import Recorder

__all__ = ["Recorder", "__version__", "export", "import_tensorboard", "load_run", "show", "train"]


def __getattr__(name: str) -> Any:
    """``latent3d.Recorder`` imports torch when first named, not with the package."""
    if name == "Recorder":
        from latent3d.training.recorder import Recorder

        return Recorder
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
