"""Where one training step's time goes: matmuls, Adam, the loss, per-call overhead, against the whole step; JSON.

The strict FLOP floor of ``bench_train.py`` counts the matmuls only, each on its faster kernel
(``torch.mm`` or oneDNN). This times, at batch 64 on the default model and at each thread count,
interleaved round by round so that load hits them alike:

- ``step``: the training step as shipped (:class:`latent3d.training.fast_step.FastStep`), and with
  oneDNN for its large layers (``step_onednn``);
- ``matmuls_best`` / ``matmuls_mm``: the step's 22 matmuls alone, each on its faster kernel / on ``torch.mm``;
- ``adam``: the fused Adam update of the 485,000 parameters;
- ``loss_and_logit_grad``: the loss (softplus as log(1 + exp(-|h|)), dot) and the gradient at the logits
  (sigmoid, two in-place ops); ``loss_and_logit_grad_softplus`` the same with ``F.softplus`` (before);
- ``overhead_tiny_model``: the whole step on an 8-8-8-8-3 model: the Python and dispatch cost of its ~60 calls.

Every figure is microseconds per step: the median over rounds of the best of a few blocks (the best
block is the one least disturbed by other processes), wall clock, with each round's load beside it.

    python benchmarks/bench_step.py [--threads 1,2] [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import torch
import torch.nn.functional as F
from _load import background_load, load_now

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from latent3d.config.train import ModelConfig  # noqa: E402
from latent3d.training import fast_step  # noqa: E402
from latent3d.training.allocator import keep_freed_memory  # noqa: E402
from latent3d.training.model import Autoencoder  # noqa: E402

BATCH = 64


def _best_us(fn: Callable[[], object], calls: int, blocks: int = 3) -> float:
    for _ in range(max(3, calls // 10)):
        fn()
    best = float("inf")
    for _ in range(blocks):
        t = time.perf_counter()
        for _ in range(calls):
            fn()
        best = min(best, (time.perf_counter() - t) / calls)
    return best * 1e6


def _faster(a: Callable[[], object], b: Callable[[], object]) -> bool:
    """Whether ``a`` is faster than ``b``: the best of five alternating timings each (robust to a busy machine)."""
    ta = tb = float("inf")
    for _ in range(5):
        ta, tb = min(ta, _best_us(a, 20, 1)), min(tb, _best_us(b, 20, 1))
    return ta < tb


def _matmuls(step: fast_step.FastStep, best: bool) -> Callable[[], None]:
    """The step's forward, weight-gradient and input-gradient matmuls, each on ``torch.mm`` or the faster kernel."""
    linear = fast_step.onednn_linear()
    ops: list[Callable[[], object]] = []
    for k, (lin, _) in enumerate(step.layers):
        o, i = lin.weight.shape
        x, g, w = torch.rand(BATCH, i), torch.rand(BATCH, o), lin.weight.detach()
        triple: list[tuple[Callable[[], object], Callable[[], object] | None]] = [
            (lambda x=x, w=w: x @ w.t(),
             None if linear is None else lambda x=x, w=w: linear(x, w, None, "none", [], "")),
            (lambda g=g, x=x: g.t() @ x,
             None if linear is None else lambda g=g, x=x: linear(g.t().contiguous(), x.t(), None, "none", [], "")),
            (lambda g=g, w=w: g @ w,
             None if linear is None else lambda g=g, w=w: linear(g, w.t(), None, "none", [], "")),
        ]
        for mm, dnn in triple if k else triple[:2]:  # the first layer's input needs no gradient
            ops.append(dnn if best and dnn is not None and _faster(dnn, mm) else mm)

    def run() -> None:
        for op in ops:
            op()
    return run


def components() -> dict[str, Callable[[], object]]:
    """Each timed part of a step, as a call without arguments."""
    torch.manual_seed(0)
    x = torch.rand(6400, 784)
    batches = [x[i: i + BATCH] for i in range(0, len(x), BATCH)]
    counter = iter(range(10**9))

    def stepper(step: fast_step.FastStep) -> Callable[[], object]:
        return lambda: step(batches[next(counter) % len(batches)])

    shipped = fast_step.FastStep(Autoencoder(), lr=1e-3, eps=1e-7)
    onednn = fast_step.FastStep(Autoencoder(), lr=1e-3, eps=1e-7, use_onednn=fast_step.onednn_linear() is not None)
    tiny = fast_step.FastStep(Autoencoder(ModelConfig(input_dim=8, hidden=(8, 8, 8), code_dim=3)), lr=1e-3, eps=1e-7)
    tiny_x = torch.rand(4, 8)
    grads = [torch.rand_like(p) for p in shipped.params]
    h, y = torch.randn(BATCH, 784), batches[0]

    def loss_and_grad() -> object:
        n = y.numel()
        return fast_step.bce_with_logits_sum(h, y) / n, torch.sigmoid(h).sub_(y).mul_(1.0 / n)

    def loss_and_grad_log1p() -> object:  # the form before: F.softplus calls the unvectorised log1p
        n = y.numel()
        loss = (F.softplus(h).sum() - torch.dot(h.reshape(-1), y.reshape(-1))) / n
        return loss, torch.sigmoid(h).sub_(y).mul_(1.0 / n)

    return {"step": stepper(shipped), "step_onednn": stepper(onednn), "matmuls_best": _matmuls(shipped, True),
            "matmuls_mm": _matmuls(shipped, False), "adam": lambda: shipped._adam(grads),
            "loss_and_logit_grad": loss_and_grad, "loss_and_logit_grad_softplus": loss_and_grad_log1p,
            "overhead_tiny_model": lambda: tiny(tiny_x)}


def main() -> None:
    """Print the breakdown as one JSON object."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", default="1,2", help="thread counts, comma-separated")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--calls", type=int, default=100, help="calls per timed block")
    parser.add_argument("--background-load", type=int, default=0, metavar="N")
    args = parser.parse_args()
    keep_freed_memory()  # as the training loop does
    counts = [int(t) for t in args.threads.split(",")]
    parts = components()
    got: dict[int, dict[str, list[float]]] = {t: {k: [] for k in parts} for t in counts}
    loads = []
    with background_load(args.background_load) as hogs:
        for r in range(args.rounds):
            loads.append(load_now())
            for t in counts if r % 2 == 0 else counts[::-1]:
                torch.set_num_threads(t)
                names = list(parts) if r % 2 == 0 else list(parts)[::-1]
                for name in names:
                    got[t][name].append(_best_us(parts[name], args.calls))
    out: dict[str, object] = {"torch": torch.__version__, "background_load": len(hogs), "rounds": args.rounds}
    for t, rows in got.items():
        med = {k: round(statistics.median(v), 1) for k, v in rows.items()}
        med["matmuls_best"] = min(med["matmuls_best"], med["matmuls_mm"])  # a kernel choice misled by load
        out[f"threads_{t}_us"] = med
        out[f"threads_{t}_over_floor"] = {
            "step": round(med["step"] / med["matmuls_best"], 2),
            "adam": round(med["adam"] / med["matmuls_best"], 2),
            "loss_and_logit_grad": round(med["loss_and_logit_grad"] / med["matmuls_best"], 2),
            "overhead_tiny_model": round(med["overhead_tiny_model"] / med["matmuls_best"], 2),
            "mm_instead_of_best_kernels": round((med["matmuls_mm"] - med["matmuls_best"]) / med["matmuls_best"], 2)}
    out["load_each_round"] = loads
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
