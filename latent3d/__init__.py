"""latent3d: watch a 784-256-128-64-3 autoencoder learn Fashion-MNIST (or MNIST, KMNIST), in 3-D.

The public API (README, "From Python"): :func:`train`, :func:`load_run`, :func:`show`, :func:`export`.
Importing the package is light: torch and Qt are imported only when ``train`` or ``show`` runs, and
the API module itself when one of them is first looked up (so ``run.py`` can install its signal
handling before anything else is imported).
The torch side lives in :mod:`latent3d.training`, so the name ``latent3d.train`` is the function only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from latent3d._version import __version__

if TYPE_CHECKING:
    from latent3d.api import export, load_run, show, train

__all__ = ["__version__", "export", "load_run", "show", "train"]


def __getattr__(name: str) -> Any:
    if name in ("export", "load_run", "show", "train"):
        from latent3d import api

        return getattr(api, name)
    raise AttributeError(f"module 'latent3d' has no attribute {name!r}")
