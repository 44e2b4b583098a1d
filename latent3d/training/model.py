"""The dense autoencoder 784-256-128-64-3 / 3-64-128-256-784 in PyTorch."""

from __future__ import annotations

import torch
from torch import nn

from latent3d.config.train import ModelConfig

__all__ = ["Autoencoder", "build_mlp"]


def build_mlp(widths: tuple[int, ...], out_activation: nn.Module | None) -> nn.Sequential:
    """Linear layers through ``widths`` with ReLU between them.

    Parameters
    ----------
    widths : tuple of int
        Layer widths from input to output.
    out_activation : nn.Module or None
        Applied after the last Linear layer; None keeps the output linear.

    Returns
    -------
    nn.Sequential
    """
    layers: list[nn.Module] = []
    for i, (n_in, n_out) in enumerate(zip(widths[:-1], widths[1:])):
        layers.append(nn.Linear(n_in, n_out))
        if i < len(widths) - 2:
            layers.append(nn.ReLU())
    if out_activation is not None:
        layers.append(out_activation)
    return nn.Sequential(*layers)


class Autoencoder(nn.Module):
    """Encoder 784-256-128-64-3 (ReLU, linear code) and mirrored decoder with sigmoid output.

    Parameters
    ----------
    config : ModelConfig, optional
        Layer widths; the default is the reference topology.

    Notes
    -----
    Weights start Glorot-uniform with zero biases, as Keras ``Dense`` does: that
    initialisation is what lets 20 epochs reach the Keras reference loss.
    """

    def __init__(self, config: ModelConfig | None = None) -> None:
        super().__init__()
        self.config = config or ModelConfig()
        enc_widths = (self.config.input_dim, *self.config.hidden, self.config.code_dim)
        self.encoder = build_mlp(enc_widths, None)
        self.decoder = build_mlp(self.config.decoder_widths, nn.Sigmoid())
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Glorot-uniform weights and zero biases (the Keras defaults)."""
        for module in self.modules():
            if isinstance(module, nn.Linear):
                nn.init.xavier_uniform_(module.weight)
                nn.init.zeros_(module.bias)

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """Map images ``[N, 784]`` in [0, 1] to codes ``[N, 3]``."""
        return self.encoder(x)

    def decode_logits(self, z: torch.Tensor) -> torch.Tensor:
        """Decoder output before the sigmoid (for BCE-with-logits, which is stabler and faster)."""
        for layer in self.decoder[:-1]:
            z = layer(z)
        return z

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Map codes ``[N, 3]`` to images ``[N, 784]`` in (0, 1)."""
        return self.decoder(z)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Reconstruct images: ``decode(encode(x))``."""
        return self.decode(self.encode(x))
