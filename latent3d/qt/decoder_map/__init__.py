"""The decoder map panel: a grid of images decoded over a plane through the latent space."""
