"""The hand-written step gives autograd's gradients and torch.optim.Adam's update."""

import copy

import pytest
import torch
import torch.nn.functional as F

from latent3d.training import fast_step
from latent3d.training.fast_step import FastStep
from latent3d.training.model import Autoencoder

needs_onednn = pytest.mark.skipif(fast_step.onednn_linear() is None, reason="torch built without oneDNN")


def _compare_with_autograd(use_onednn: bool, steps: int = 3) -> None:
    torch.manual_seed(0)
    ref = Autoencoder()
    fast_model = copy.deepcopy(ref)
    x = torch.rand(64, 784)
    # A few steps so ReLU masks and Adam moments are exercised, not just the first update.
    ref_opt = torch.optim.Adam(ref.parameters(), lr=1e-3, eps=1e-7)
    fast = FastStep(fast_model, lr=1e-3, eps=1e-7, use_onednn=use_onednn)
    assert any(fast.onednn) == use_onednn
    for step in range(steps):
        xb = x.roll(step, 0)
        ref_opt.zero_grad()
        ref_loss = F.binary_cross_entropy_with_logits(ref.decode_logits(ref.encode(xb)), xb)
        ref_loss.backward()
        grads = [p.grad.clone() for p in ref.parameters()]
        ref_opt.step()
        loss = fast(xb)
        assert float(loss) == pytest.approx(float(ref_loss.detach()), rel=1e-6)
        assert len(fast.last_grads) == len(grads)
        for got, want in zip(fast.last_grads, grads):
            torch.testing.assert_close(got, want, rtol=1e-4, atol=1e-7)
    for a, b in zip(ref.parameters(), fast_model.parameters()):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-6)


def test_gradients_and_update_equal_autograd_with_torch_mm() -> None:
    _compare_with_autograd(use_onednn=False)


@needs_onednn
def test_gradients_and_update_equal_autograd_with_onednn() -> None:
    _compare_with_autograd(use_onednn=True)


def test_functional_adam_fallback_gives_the_same_update(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where torch has no fused Adam kernel, the public functional adam does the same update."""
    monkeypatch.setattr(fast_step, "_FUSED_ADAM", None)
    _compare_with_autograd(use_onednn=False)


@needs_onednn
def test_the_step_runs_on_mm_and_the_evaluation_on_onednn_for_the_large_layers() -> None:
    """oneDNN lost inside the step (benchmarks/bench_step.py) and wins for the test set's large batches."""
    fast = FastStep(Autoencoder(), lr=1e-3, eps=1e-7)
    sizes = [lin.weight.numel() for lin, _ in fast.layers]
    assert not any(fast.onednn)
    assert fast.evaluate_onednn == [s >= fast_step.ONEDNN_MIN_WEIGHTS for s in sizes]
    assert fast.evaluate_onednn[0] and fast.evaluate_onednn[-1] and not any(fast.evaluate_onednn[1:-1])
    assert FastStep(Autoencoder(), lr=1e-3, eps=1e-7, use_onednn=True).onednn == fast.evaluate_onednn
    assert not any(FastStep(Autoencoder(), lr=1e-3, eps=1e-7, evaluate_onednn=False).evaluate_onednn)
    x = torch.rand(300, 784)
    for got, want in zip(fast.evaluate(x), fast.activations(x)):
        torch.testing.assert_close(got, want, rtol=1e-5, atol=1e-5)


def test_thread_count_changes_no_number() -> None:
    """The automatic thread count may change during a training: a seed's weights must not depend on it."""
    before = torch.get_num_threads()

    def run(threads: int) -> list[torch.Tensor]:
        torch.set_num_threads(threads)
        torch.manual_seed(1)
        model = Autoencoder()
        fast = FastStep(model, lr=1e-3, eps=1e-7)
        gen = torch.Generator().manual_seed(2)
        for _ in range(20):
            fast(torch.rand(64, 784, generator=gen))
        return [p.detach().clone() for p in model.parameters()]

    try:
        for a, b in zip(run(1), run(2)):
            assert torch.equal(a, b)
    finally:
        torch.set_num_threads(before)


def test_same_batches_give_bit_identical_weights() -> None:
    """The kernel per layer is fixed, not timed, so a repeated run gives the same numbers."""
    def run() -> list[torch.Tensor]:
        torch.manual_seed(1)
        model = Autoencoder()
        fast = FastStep(model, lr=1e-3, eps=1e-7)
        gen = torch.Generator().manual_seed(2)
        for _ in range(5):
            fast(torch.rand(64, 784, generator=gen))
        return [p.detach().clone() for p in model.parameters()]

    for a, b in zip(run(), run()):
        assert torch.equal(a, b)


def test_refuses_unknown_layers() -> None:
    model = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Tanh())
    with pytest.raises(TypeError, match="Tanh"):
        FastStep(model, lr=1e-3, eps=1e-7)


@pytest.mark.parametrize("scale", [0.01, 1.0, 8.0, 60.0])
def test_loss_without_log1p_equals_the_float64_loss(scale: float) -> None:
    """softplus as log(1 + exp(-|h|)) loses log1p's precision only below float32's epsilon: the sum stays exact."""
    g = torch.Generator().manual_seed(1)
    h = torch.randn(64, 784, generator=g) * scale
    h[0, :4] = torch.tensor([0.0, 88.0, -88.0, 1e-30])  # exp under- and overflow, and a logit of zero
    y = torch.rand(64, 784, generator=g)
    want = (F.softplus(h.double()) - h.double() * y.double()).sum()
    got = fast_step.bce_with_logits_sum(h, y)
    assert got.dtype == torch.float32
    assert float(got) == pytest.approx(float(want), rel=2e-6, abs=1e-3)
    assert float(got) == pytest.approx(float(F.binary_cross_entropy_with_logits(h, y, reduction="sum")), rel=2e-6)
