"""The numpy decoder the viewer uses equals the torch decoder."""

import numpy as np
import torch

from latent3d.analysis.decoder import NumpyDecoder, bce_per_image
from latent3d.training.model import Autoencoder


def _layers(model: Autoencoder) -> list[tuple[np.ndarray, np.ndarray]]:
    sd = {k: v.numpy() for k, v in model.state_dict().items()}
    return [(sd[f"decoder.{i}.weight"], sd[f"decoder.{i}.bias"]) for i in (0, 2, 4, 6)]


def test_numpy_decoder_matches_torch() -> None:
    torch.manual_seed(1)
    model = Autoencoder()
    z = torch.randn(64, 3) * 10
    with torch.no_grad():
        expected = model.decode(z).numpy()
        expected_logits = model.decode_logits(z).numpy()
    dec = NumpyDecoder(_layers(model))
    np.testing.assert_allclose(dec(z.numpy()), expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(dec.logits(z.numpy()), expected_logits, rtol=1e-4, atol=1e-5)
    assert dec(z.numpy()[0]).shape == (1, 784)


def test_bce_per_image_matches_torch() -> None:
    rng = np.random.default_rng(0)
    logits = rng.normal(0, 5, (4, 784)).astype(np.float32)
    target = rng.uniform(0, 1, (4, 784)).astype(np.float32)
    expected = torch.nn.functional.binary_cross_entropy_with_logits(
        torch.from_numpy(logits), torch.from_numpy(target), reduction="none").mean(1).numpy()
    np.testing.assert_allclose(bce_per_image(logits, target), expected, rtol=1e-5)
