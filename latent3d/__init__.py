"""latent3d: watch a 784-256-128-64-3 autoencoder learn Fashion-MNIST (or MNIST, KMNIST), in 3-D.

The public API (README, "From Python"): :func:`train`, :func:`load_run`, :func:`show`, :func:`export`.
Importing the package is light: torch and Qt are imported only when ``train`` or ``show`` runs.
The torch side lives in :mod:`latent3d.training`, so the name ``latent3d.train`` is the function only.
"""

from latent3d._version import __version__
from latent3d.api import export, load_run, show, train

__all__ = ["__version__", "export", "load_run", "show", "train"]
