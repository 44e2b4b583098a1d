"""latent3d: watch a 784-256-128-64-3 autoencoder learn Fashion-MNIST (or MNIST, KMNIST), in 3-D.

The public API (README, "From Python"): :func:`train`, :func:`load_run`, :func:`show`, :func:`export`.
Importing the package is light: torch and Qt are imported only when ``train`` or ``show`` runs.
"""

import types

from latent3d._version import __version__
from latent3d.api import export, load_run, show, train

# ``latent3d.train`` is also the training subpackage, and importing any of its modules rebinds the
# name to that package. So the package itself is made callable as the function: ``latent3d.train(...)``
# trains, and ``latent3d.train.session`` stays a module, whichever was imported first.
_train_function = train
import latent3d.train as _train_package  # noqa: E402  (must follow the function it is made to call)


class _CallableTrainPackage(types.ModuleType):
    __call__ = staticmethod(_train_function)

    @property
    def __signature__(self) -> object:  # what help() and IDEs show: the function's, not (*args, **kwargs)
        import inspect

        return inspect.signature(_train_function)


_train_package.__class__ = _CallableTrainPackage
train = _train_package  # type: ignore[assignment]

__all__ = ["__version__", "export", "load_run", "show", "train"]
