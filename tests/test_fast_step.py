"""The hand-written backward gives autograd's gradients and the same Adam update."""

import copy

import pytest
import torch
import torch.nn.functional as F

from latent3d.fast_step import FastStep
from latent3d.model import Autoencoder


def test_gradients_and_update_equal_autograd() -> None:
    torch.manual_seed(0)
    ref = Autoencoder()
    fast_model = copy.deepcopy(ref)
    x = torch.rand(64, 784)
    # A few steps so ReLU masks and Adam moments are exercised, not just the first update.
    ref_opt = torch.optim.Adam(ref.parameters(), lr=1e-3, eps=1e-7)
    fast = FastStep(fast_model, torch.optim.Adam(fast_model.parameters(), lr=1e-3, eps=1e-7))
    for step in range(3):
        xb = x.roll(step, 0)
        ref_opt.zero_grad()
        ref_loss = F.binary_cross_entropy_with_logits(ref.decode_logits(ref.encode(xb)), xb)
        ref_loss.backward()
        grads = {n: p.grad.clone() for n, p in ref.named_parameters()}
        ref_opt.step()
        loss = fast(xb)
        assert float(loss) == pytest.approx(float(ref_loss.detach()), rel=1e-6)
        for n, p in fast_model.named_parameters():
            torch.testing.assert_close(p.grad, grads[n], rtol=1e-4, atol=1e-7)
    for a, b in zip(ref.parameters(), fast_model.parameters()):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-6)


def test_refuses_unknown_layers() -> None:
    model = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Tanh())
    with pytest.raises(TypeError, match="Tanh"):
        FastStep(model, torch.optim.Adam(model.parameters()))
