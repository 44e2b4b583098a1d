"""latent3d: watch a 784-256-128-64-3 autoencoder learn Fashion-MNIST (or MNIST, KMNIST), in 3-D.

The public API (``docs``: README "From Python"): :func:`train`, :func:`load_run`, :func:`show`.
Importing the package is light: torch and Qt are imported only when ``train`` or ``show`` runs.
"""

from latent3d._version import __version__
from latent3d.api import load_run, show, train

__all__ = ["__version__", "load_run", "show", "train"]
