"""One optimisation step of a Linear/ReLU stack: forward, hand-written backward, fused Adam.

Why not autograd + ``torch.optim.Adam``: at batch 64 on a CPU the matmuls are only part of
a step. Profiled on a 2-core AMD EPYC (torch 2.14, MKL + oneDNN builds), per step:

- autograd's per-operation bookkeeping was a third of the step (1.76 -> 1.18 ms when the
  backward is written out, as here; ``tests/test_fast_step.py`` holds the gradients equal);
- ``Optimizer.step`` spent ~0.1 ms per step in Python around the one fused kernel, so the
  fused Adam kernel is called directly (same kernel, same numbers as ``torch.optim.Adam``
  with ``fused=True``; a fallback uses the public functional ``adam`` where it is missing).

The step's matmuls run on ``torch.mm`` (MKL). oneDNN's linear runs a lone 64x784 @ 784x256
product faster, but inside the step it lost: it cannot write into the kept gradient buffers,
wants ``g.T`` made dense (30 us for the 784-wide layer) and returns fresh tensors each step;
measured in the whole step (``benchmarks/bench_step.py``), 7-9 % slower at one thread and no faster
at two. It stays for the evaluation of the test set (batches of 2,000), where it is ~10 % faster.
What is left between a step and its matmuls' FLOP floor: Adam's pass over 485,000 parameters
(a square root and a division each), the loss and its gradient, and ~200 us of per-call overhead
(``benchmarks/bench_step.py`` prints each).

The choice of kernel per layer is fixed by the layer's size, never timed at run time, so a
seed gives the same numbers on every run on one machine (and at any thread count: the
kernels split no sum across threads at these sizes; ``tests/test_fast_step.py`` checks 1 and 2).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
from torch import nn
from torch.optim.adam import adam as _functional_adam

__all__ = ["FastStep", "ONEDNN_MIN_WEIGHTS", "bce_with_logits_sum", "onednn_linear", "softplus"]

# Where oneDNN is used, only layers with at least this many weights (the default model's 784x256
# pair); below it oneDNN's per-call cost outweighs its faster kernel (measured: 256x128 forward
# 24 vs 26 us, weight gradient 29 vs 25 us; 64x3: 14 vs 4 us).
ONEDNN_MIN_WEIGHTS = 100_000
BETAS = (0.9, 0.999)


def softplus(h: torch.Tensor) -> torch.Tensor:
    """``log(1 + exp(h))`` element-wise, as ``max(h, 0) + log(1 + exp(-|h|))``: without ``log1p``.

    ``F.softplus`` (as ``F.binary_cross_entropy_with_logits``) calls ``log1p``, which this CPU build
    of torch does not vectorise: 434 of the 540 us the loss and its gradient took per batch-64 step
    at one thread (``bench_step.py``), about a sixth of the whole step. ``log`` is vectorised; it
    loses ``log1p``'s precision only where ``exp(-|h|)`` is below float32's epsilon, an error below
    6e-8 per element, smaller than the rounding of a float32 sum of them.
    """
    return torch.exp(-h.abs()).add_(1.0).log_().add_(h.clamp(min=0.0))


def bce_with_logits_sum(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Summed BCE-with-logits, ``softplus(h) - h*y`` (see :func:`softplus`)."""
    h = logits.reshape(-1)
    return softplus(h).sum() - torch.dot(h, target.reshape(-1))


def _probe_onednn() -> Callable[..., torch.Tensor] | None:
    """oneDNN's dense linear op, if this torch build has one that gives addmm's numbers."""
    op = getattr(getattr(torch.ops, "mkldnn", None), "_linear_pointwise", None)
    if op is None or not torch.backends.mkldnn.is_available():
        return None
    try:
        gen = torch.Generator().manual_seed(0)
        x, w, b = (torch.rand(s, generator=gen) for s in ((4, 8), (5, 8), (5,)))
        if torch.allclose(op(x, w, b, "none", [], ""), torch.addmm(b, x, w.t()), rtol=1e-5, atol=1e-6):
            return op
    except (RuntimeError, NotImplementedError):
        pass
    return None


_LINEAR = _probe_onednn()
_FUSED_ADAM = getattr(torch, "_fused_adam_", None)


def onednn_linear() -> Callable[..., torch.Tensor] | None:
    """The oneDNN linear op this process uses, or None where the build has none."""
    return _LINEAR


def _linear_stack(model: nn.Module) -> list[tuple[nn.Linear, bool]]:
    """The model's Linear layers in order, each with whether a ReLU follows it."""
    modules = [m for m in model.modules() if not isinstance(m, nn.Sequential) and m is not model]
    stack: list[tuple[nn.Linear, bool]] = []
    for i, m in enumerate(modules):
        if isinstance(m, nn.Linear):
            stack.append((m, i + 1 < len(modules) and isinstance(modules[i + 1], nn.ReLU)))
        elif not isinstance(m, (nn.ReLU, nn.Sigmoid)):
            raise TypeError(f"FastStep handles Linear/ReLU/Sigmoid stacks only, not {type(m).__name__}")
    return stack


class FastStep:
    """Mean BCE-with-logits step with Adam for ``encoder -> decoder`` made of Linear and ReLU layers.

    Parameters
    ----------
    model : nn.Module
        An :class:`~latent3d.training.model.Autoencoder` (its final Sigmoid is folded into the loss).
        Its parameters are updated in place.
    lr, eps : float
        Adam's learning rate and epsilon (betas 0.9 / 0.999, no weight decay).
    use_onednn : bool
        True runs the step's large layers on oneDNN (slower in the step: see the module's
        docstring; kept for the benchmark and the tests); False, the default, uses ``torch.mm``.
    evaluate_onednn : bool or None
        Kernels of :meth:`evaluate`: None uses oneDNN for the large layers when the model is on
        the CPU and the build has it; False uses ``torch.mm``.
    """

    def __init__(self, model: nn.Module, *, lr: float, eps: float, use_onednn: bool = False,
                 evaluate_onednn: bool | None = None) -> None:
        self.layers = _linear_stack(model)
        self.params = [p for lin, _ in self.layers for p in (lin.weight, lin.bias)]
        if any(p.dtype != torch.float32 for p in self.params):
            raise TypeError("FastStep trains float32 parameters only")
        device = self.params[0].device
        if use_onednn and _LINEAR is None:
            raise RuntimeError("this PyTorch build has no oneDNN linear op")
        on_cpu = device.type == "cpu" and _LINEAR is not None
        self.onednn = self._large_layers(use_onednn)
        self.evaluate_onednn = self._large_layers(on_cpu if evaluate_onednn is None else evaluate_onednn and on_cpu)
        self.lr, self.eps = lr, eps
        # Gradients of the torch.mm layers land in buffers kept across steps; oneDNN returns new ones.
        self.grads = [torch.empty(0, device=device) if k % 2 == 0 and self.onednn[k // 2] else torch.zeros_like(p)
                      for k, p in enumerate(self.params)]
        self.exp_avg = [torch.zeros_like(p) for p in self.params]
        self.exp_avg_sq = [torch.zeros_like(p) for p in self.params]
        # The fused kernel only reads the step count: one tensor serves all parameters.
        self.step_count = torch.zeros((), device=device)
        self._fallback_steps = [torch.zeros((), device=device) for _ in self.params]
        self.last_grads: list[torch.Tensor] = []

    def _large_layers(self, allowed: bool) -> list[bool]:
        return [allowed and lin.weight.numel() >= ONEDNN_MIN_WEIGHTS for lin, _ in self.layers]

    @torch.no_grad()
    def activations(self, x: torch.Tensor, onednn: list[bool] | None = None) -> list[torch.Tensor]:
        """The input and every layer's output (after its ReLU); the last entry is the logits.

        ``onednn`` says which layers run on oneDNN (default: the training step's choice).
        """
        acts = [x]
        for (lin, relu), dnn in zip(self.layers, self.onednn if onednn is None else onednn):
            if dnn:
                assert _LINEAR is not None
                x = _LINEAR(x, lin.weight, lin.bias, "none", [], "")
            else:
                x = torch.addmm(lin.bias, x, lin.weight.t())
            if relu:  # not oneDNN's fused ReLU: it turns NaN into 0 and would hide a diverged layer
                x.relu_()
            acts.append(x)
        return acts

    @torch.no_grad()
    def evaluate(self, x: torch.Tensor) -> list[torch.Tensor]:
        """:meth:`activations` through the evaluation's kernels (oneDNN for the large layers on the CPU)."""
        return self.activations(x, self.evaluate_onednn)

    @torch.no_grad()
    def __call__(self, xb: torch.Tensor) -> torch.Tensor:
        """Run forward, backward and Adam on one batch; return the batch loss (0-d tensor)."""
        acts = self.activations(xb)
        h = acts[-1]
        n = xb.numel()
        loss = bce_with_logits_sum(h, xb) / n
        # d(mean BCE)/d(logits) = (sigmoid(logits) - target) / number of elements
        g = torch.sigmoid(h).sub_(xb).mul_(1.0 / n)
        grads = list(self.grads)
        for i in range(len(self.layers) - 1, -1, -1):
            lin, _ = self.layers[i]
            if self.onednn[i]:
                assert _LINEAR is not None  # dW = g.T @ a as linear(g.T, a.T); oneDNN wants its input dense
                grads[2 * i] = _LINEAR(g.t().contiguous(), acts[i].t(), None, "none", [], "")
            else:
                torch.mm(g.t(), acts[i], out=grads[2 * i])
            torch.sum(g, 0, out=grads[2 * i + 1])
            if i > 0:
                if self.onednn[i]:
                    assert _LINEAR is not None
                    g = _LINEAR(g, lin.weight.t(), None, "none", [], "")
                else:
                    g = torch.mm(g, lin.weight)
                if self.layers[i - 1][1]:  # ReLU backward, in place, one kernel
                    g = torch.ops.aten.threshold_backward.grad_input(g, acts[i], 0, grad_input=g)
        self._adam(grads)
        self.last_grads = grads  # the gradients of this step, in parameter order (for tests)
        return loss

    def _adam(self, grads: list[torch.Tensor]) -> None:
        options: dict[str, Any] = dict(lr=self.lr, beta1=BETAS[0], beta2=BETAS[1], weight_decay=0.0,
                                       eps=self.eps, amsgrad=False, maximize=False)
        if _FUSED_ADAM is not None and self.step_count.device.type in ("cpu", "cuda"):
            self.step_count += 1
            _FUSED_ADAM(self.params, grads, self.exp_avg, self.exp_avg_sq, [],
                        [self.step_count] * len(self.params), **options)
        else:  # the public functional form; it counts its own steps
            _functional_adam(self.params, grads, self.exp_avg, self.exp_avg_sq, [], self._fallback_steps,
                             foreach=False, **options)
