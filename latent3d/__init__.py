"""latent3d: watch a 784-256-128-64-3 autoencoder learn Fashion-MNIST, in 3-D."""

__version__ = "0.1.0"
