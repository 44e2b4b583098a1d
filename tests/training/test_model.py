"""The autoencoder has exactly the reference topology and activations."""

import torch
from torch import nn

from latent3d.config.train import ModelConfig
from latent3d.training.model import Autoencoder


def _describe(seq: nn.Sequential) -> list[object]:
    out: list[object] = []
    for m in seq:
        out.append((m.in_features, m.out_features) if isinstance(m, nn.Linear) else type(m).__name__)
    return out


def test_encoder_layers_and_activations() -> None:
    m = Autoencoder()
    assert _describe(m.encoder) == [(784, 256), "ReLU", (256, 128), "ReLU", (128, 64), "ReLU", (64, 3)]


def test_decoder_layers_and_activations() -> None:
    m = Autoencoder()
    assert _describe(m.decoder) == [(3, 64), "ReLU", (64, 128), "ReLU", (128, 256), "ReLU", (256, 784), "Sigmoid"]


def test_shapes_and_ranges() -> None:
    m = Autoencoder()
    x = torch.rand(5, 784)
    with torch.no_grad():
        z = m.encode(x)
        y = m(x)
        torch.testing.assert_close(torch.sigmoid(m.decode_logits(z)), m.decode(z))
    assert z.shape == (5, 3)
    assert y.shape == (5, 784)
    assert float(y.min()) > 0.0 and float(y.max()) < 1.0


def test_code_is_linear_not_clipped() -> None:
    # A ReLU on the code would make every coordinate >= 0; a linear code reaches negative values.
    torch.manual_seed(0)
    z = Autoencoder().encode(torch.rand(256, 784)).detach()
    assert float(z.min()) < 0.0


def test_keras_style_initialisation() -> None:
    m = Autoencoder()
    first = m.encoder[0]
    bound = (6 / (784 + 256)) ** 0.5
    assert float(first.weight.detach().abs().max()) <= bound
    assert float(first.weight.detach().abs().max()) > 0.9 * bound
    assert torch.count_nonzero(first.bias) == 0


def test_parameter_count() -> None:
    n = sum(p.numel() for p in Autoencoder(ModelConfig()).parameters())
    enc = 784 * 256 + 256 + 256 * 128 + 128 + 128 * 64 + 64 + 64 * 3 + 3
    dec = 3 * 64 + 64 + 64 * 128 + 128 + 128 * 256 + 256 + 256 * 784 + 784
    assert n == enc + dec
