"""The training loop: a generator that yields a Snapshot at each scheduled training step and prints nothing."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from latent3d.config.schedule import snapshot_steps
from latent3d.config.train import TrainConfig
from latent3d.runs.series import Snapshot
from latent3d.training.allocator import keep_freed_memory
from latent3d.training.fast_step import FastStep, softplus
from latent3d.training.model import Autoencoder

__all__ = ["Snapshot", "TrainingData", "TrainingDiverged", "encode_all", "pick_device", "train"]

BatchCallback = Callable[[int, int, float], None]
EVAL_BATCH = 2000


class TrainingDiverged(RuntimeError):
    """The loss became NaN or infinite; the message is one sentence for the user."""


@dataclass(frozen=True)
class TrainingData:
    """Images as float32 ``[N, 784]`` in [0, 1] and labels as uint8, already in memory."""

    train_x: np.ndarray
    train_y: np.ndarray
    test_x: np.ndarray
    test_y: np.ndarray

    @classmethod
    def from_uint8(cls, train: tuple[np.ndarray, np.ndarray], test: tuple[np.ndarray, np.ndarray],
                   config: TrainConfig) -> TrainingData:
        """Scale raw ``[N, 28, 28]`` uint8 splits to [0, 1] and apply the config's subset limits."""
        def prep(images: np.ndarray, limit: int | None) -> np.ndarray:
            images = images[:limit] if limit else images
            return images.reshape(len(images), -1).astype(np.float32) / 255.0

        return cls(prep(train[0], config.max_train_images), train[1][: config.max_train_images],
                   prep(test[0], config.max_test_images), test[1][: config.max_test_images])


def pick_device(name: str = "auto") -> torch.device:
    """``auto`` picks CUDA when available, else CPU; ``cuda`` without a GPU raises ValueError."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise ValueError("--device cuda was asked for, but PyTorch sees no CUDA GPU; use --device cpu or auto.")
    if name not in ("cpu", "cuda"):
        raise ValueError(f"Unknown device {name!r}; use auto, cpu or cuda.")
    return torch.device(name)


def build_model(config: TrainConfig) -> Autoencoder:
    """A fresh model whose initial weights are fixed by ``config.seed``."""
    torch.manual_seed(config.seed)
    return Autoencoder(config.model)


@torch.inference_mode()
def encode_all(model: Autoencoder, x: torch.Tensor) -> torch.Tensor:
    """Codes of all rows of ``x``, in chunks so memory stays flat."""
    return torch.cat([model.encode(x[i: i + EVAL_BATCH]) for i in range(0, len(x), EVAL_BATCH)])


Forward = Callable[[torch.Tensor], tuple[torch.Tensor, torch.Tensor]]


def _model_forward(model: Autoencoder) -> Forward:
    """``(codes, logits)`` of a batch through the model's own layers."""
    def forward(xb: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        z = model.encode(xb)
        return z, model.decode_logits(z)
    return forward


def _fast_forward(model: Autoencoder, step: FastStep) -> Forward:
    """``(codes, logits)`` through the step's evaluation kernels (oneDNN for the large layers on the CPU:
    ~10 % faster than ``torch.mm`` at batches of 2,000)."""
    code_at = sum(isinstance(m, nn.Linear) for m in model.encoder.modules())

    def forward(xb: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        acts = step.evaluate(xb)
        return acts[code_at], acts[-1]
    return forward


@torch.inference_mode()
def _evaluate(forward: Forward, x: torch.Tensor) -> tuple[np.ndarray, np.ndarray]:
    """Codes and each image's mean BCE per pixel."""
    codes, bce = [], []
    for i in range(0, len(x), EVAL_BATCH):
        xb = x[i: i + EVAL_BATCH]
        z, logits = forward(xb)
        # BCE-with-logits = softplus(h) - h*y, summed per image (softplus without the unvectorised log1p)
        bce.append((softplus(logits).sum(dim=1) - (logits * xb).sum(dim=1)) / xb.shape[1])
        codes.append(z)
    return torch.cat(codes).cpu().numpy(), torch.cat(bce).cpu().numpy()


def _snapshot(model: Autoencoder, forward: Forward, x_test: torch.Tensor, step: int, steps_per_epoch: int,
              step_losses: np.ndarray, train_loss: float | None, seconds: float) -> Snapshot:
    codes, bce = _evaluate(forward, x_test)
    weights = {k: v.detach().cpu().numpy().copy() for k, v in model.state_dict().items()}
    return Snapshot(step, step / steps_per_epoch, steps_per_epoch, codes, bce, float(bce.mean()), weights,
                    step_losses, train_loss, train_loss is not None, seconds)


def train(
    config: TrainConfig,
    data: TrainingData,
    *,
    device: str | torch.device = "auto",
    should_stop: Callable[[], bool] = lambda: False,
    on_batch: BatchCallback | None = None,
    batch_callback_every: int = 50,
    model: Autoencoder | None = None,
    fast_backward: bool = True,
    onednn: bool | None = None,
) -> Iterator[Snapshot]:
    """Train the autoencoder, yielding a :class:`Snapshot` at each step of ``config.snapshots``.

    Step 0 (the untrained model) comes first and the end of the last epoch last. Snapshots
    only read the model: a seed gives the same weights whatever the schedule.

    Parameters
    ----------
    config : TrainConfig
        Epochs, batch size, learning rate, seed.
    data : TrainingData
        The images in memory.
    device : str or torch.device
        ``auto``, ``cpu`` or ``cuda``.
    should_stop : callable
        Checked between batches; when it returns True the generator ends without
        yielding another snapshot.
    on_batch : callable, optional
        Called as ``on_batch(batch_index, n_batches, running_loss)`` every
        ``batch_callback_every`` batches, for progress bars.
    model : Autoencoder, optional
        Train this model in place instead of a fresh one from :func:`build_model`.
    fast_backward : bool
        Use the hand-written step of :mod:`latent3d.training.fast_step` (same gradients and update,
        see its docstring for why and how much faster); False runs plain autograd and
        ``torch.optim.Adam`` (the benchmark compares both).
    onednn : bool or None
        For the hand-written step: None runs the step on ``torch.mm`` and evaluates the test set
        with oneDNN for the large layers where the build has it (CPU only); True runs the step's
        large layers on oneDNN too (slower, see :mod:`latent3d.training.fast_step`); False keeps
        every matmul on ``torch.mm``.

    Yields
    ------
    Snapshot

    Notes
    -----
    On the CPU this fixes glibc's malloc thresholds for the whole process (see
    :mod:`latent3d.training.allocator`): freed step buffers stay in the heap instead of being
    page-faulted in again at every step.

    Raises
    ------
    TrainingDiverged
        When the loss becomes NaN or infinite.
    """
    dev = pick_device(device) if isinstance(device, str) else device
    if dev.type == "cpu":
        keep_freed_memory()  # no page faults for each step's fresh buffers (see latent3d.training.allocator)
    if model is None:
        model = build_model(config)
    model.to(dev)
    x_train = torch.from_numpy(data.train_x).to(dev)
    x_test = torch.from_numpy(data.test_x).to(dev)
    shuffle = torch.Generator(device="cpu").manual_seed(config.seed)
    step: Callable[[torch.Tensor], torch.Tensor]
    if fast_backward:
        step = fast = FastStep(model, lr=config.lr, eps=config.adam_eps, use_onednn=bool(onednn),
                               evaluate_onednn=None if onednn is None else onednn)
        forward = _fast_forward(model, fast)
    else:
        step, forward = _autograd_step(model, config), _model_forward(model)
    n, bs = len(x_train), config.batch_size
    n_batches = math.ceil(n / bs)
    schedule = snapshot_steps(config.snapshots, n_batches, config.epochs)  # every epoch end included
    # Every step's loss lands in this device buffer (one copy kernel, no wait for the host); a snapshot
    # copies out the slice since the previous one. The views are made once, not per step.
    losses = torch.empty(n_batches, device=dev)
    slots = list(losses.unbind())

    model.eval()
    yield _snapshot(model, forward, x_test, 0, n_batches, np.empty(0, np.float32), None, 0.0)
    for epoch in range(1, config.epochs + 1):
        base = (epoch - 1) * n_batches
        marks = {int(s) - base - 1 for s in schedule[(schedule > base) & (schedule <= base + n_batches)]}
        model.train()
        start = time.perf_counter()
        perm = torch.randperm(n, generator=shuffle).to(dev)
        total = torch.zeros((), device=dev)
        since = 0  # first batch of this epoch whose loss is not in a snapshot yet
        for b in range(n_batches):
            if should_stop():
                return
            loss = step(torch.index_select(x_train, 0, perm[b * bs: (b + 1) * bs]))
            total += loss
            slots[b].copy_(loss)
            if on_batch is not None and (b + 1) % batch_callback_every == 0:
                running = float(total) / (b + 1)
                if not math.isfinite(running):
                    raise TrainingDiverged(_diverged(epoch, config))
                on_batch(b + 1, n_batches, running)
            if b in marks:
                step_losses = losses[since: b + 1].cpu().numpy().copy()
                train_loss = float(total) / n_batches if b == n_batches - 1 else None
                if not np.isfinite(step_losses).all() or (train_loss is not None and not math.isfinite(train_loss)):
                    raise TrainingDiverged(_diverged(epoch, config))
                seconds = time.perf_counter() - start
                model.eval()
                yield _snapshot(model, forward, x_test, base + b + 1, n_batches, step_losses, train_loss, seconds)
                model.train()
                start, since = time.perf_counter(), b + 1


def _autograd_step(model: Autoencoder, config: TrainConfig) -> Callable[[torch.Tensor], torch.Tensor]:
    """The textbook step (autograd + ``torch.optim.Adam``), for comparison with :class:`FastStep`."""
    # fused=True runs Adam's update as one kernel over all parameters (~25% of a CPU epoch otherwise).
    opt = torch.optim.Adam(model.parameters(), lr=config.lr, eps=config.adam_eps, fused=True)

    def step(xb: torch.Tensor) -> torch.Tensor:
        loss = F.binary_cross_entropy_with_logits(model.decode_logits(model.encode(xb)), xb)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return loss.detach()

    return step


def _diverged(epoch: int, config: TrainConfig) -> str:
    return (f"Training diverged in epoch {epoch}: the loss became NaN or infinite; "
            f"try a smaller learning rate than {config.lr:g}.")
