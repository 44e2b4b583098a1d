"""What the Recorder does with torch: its arguments made numpy, a dense decoder read, the probe inputs run in batches.

Kept apart from :mod:`latent3d.training.recorder` (the schedule and the guard around the user's
training): everything here may raise, and the recorder turns a raise during training into one
warning sentence.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from torch import nn

from latent3d.data.catalog import class_name_problem
from latent3d.runs.recording_meta import MAX_CLASSES, MAX_IMAGE_SIDE

__all__ = ["DenseDecoder", "as_numpy", "as_thumbnails", "check_labels", "dense_decoder", "run_probe"]

Embed = Callable[[nn.Module, torch.Tensor], torch.Tensor] | str
LossFn = Callable[[Any, Any], torch.Tensor]


def as_numpy(x: Any, what: str) -> np.ndarray:
    """A tensor, array or sequence as a numpy array (a tensor is detached and copied to the CPU)."""
    if isinstance(x, torch.Tensor):
        return x.detach().cpu().numpy()
    try:
        return np.asarray(x)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{what} must be a tensor or an array, not a {type(x).__name__} ({exc}).") from None


def check_labels(labels: Any, n: int, class_names: Any) -> tuple[np.ndarray, list[str] | None]:
    """Labels as uint8 ``[N]`` (whole numbers below the class count, at most 10) and the class names as a list."""
    names = None if class_names is None else [str(c) for c in class_names]
    if names is not None and not 1 <= len(names) <= MAX_CLASSES:
        raise ValueError(f"class_names must name 1 to {MAX_CLASSES} classes (the window colours ten), "
                         f"not {len(names)}.")
    for i, name in enumerate(names or []):  # shown in the window and written to CSVs: short lines of text
        if class_name_problem(name):
            raise ValueError(f"class_names item {i} {class_name_problem(name)}; class names must be short lines of "
                             "text.")
    if names is not None and len(set(names)) != len(names):
        raise ValueError("class_names names a class twice; the names must differ.")
    y = as_numpy(labels, "labels").reshape(-1) if labels is not None else np.zeros(0)
    if len(y) != n:
        raise ValueError(f"labels holds {len(y)} values for {n} inputs; give one label per input.")
    classes = len(names) if names is not None else MAX_CLASSES
    if y.dtype.kind not in "iub" and not (y.dtype.kind == "f" and np.all(np.mod(y, 1) == 0)):
        raise ValueError(f"labels must be whole class numbers, not {y.dtype}.")
    if len(y) and (y.min() < 0 or y.max() >= classes):
        why = "one per class name" if names else "at most ten classes, as the window colours ten"
        raise ValueError(f"labels must be from 0 to {classes - 1} ({why}), not {y.min():g} to {y.max():g}.")
    return y.astype(np.uint8), names


def as_thumbnails(images: Any, n: int) -> np.ndarray:
    """Images as uint8 ``[N, H, W]`` or ``[N, H, W, 3]`` from ``[N, H, W]``, ``[N, C, H, W]``, ``[N, H, W, C]``.

    Floats are scaled from their own minimum and maximum to 0-255 (so normalised inputs show as
    images); uint8 is kept.
    """
    x = as_numpy(images, "images")
    if x.ndim == 2 and x.shape[0] == n and int(np.sqrt(x.shape[1])) ** 2 == x.shape[1]:
        side = int(np.sqrt(x.shape[1]))
        x = x.reshape(n, side, side)  # flattened square images (784 -> 28 x 28)
    if x.ndim == 4 and x.shape[1] in (1, 3) and x.shape[3] not in (1, 3):
        x = np.moveaxis(x, 1, 3)
    if x.ndim == 4 and x.shape[3] == 1:
        x = x[..., 0]
    if x.ndim not in (3, 4) or len(x) != n or (x.ndim == 4 and x.shape[3] != 3):
        raise ValueError(f"images must be {n} images of shape (N, H, W), (N, C, H, W) or (N, H, W, C) with 1 or 3 "
                         f"channels, not shape {tuple(x.shape)}.")
    if max(x.shape[1:3]) > MAX_IMAGE_SIDE:
        raise ValueError(f"images are {x.shape[1]}x{x.shape[2]}; thumbnails of at most {MAX_IMAGE_SIDE} pixels a side "
                         "are kept: pass smaller ones (e.g. resized with torch.nn.functional.interpolate).")
    if x.dtype == np.uint8:
        return np.ascontiguousarray(x)
    x = x.astype(np.float64)
    if not np.isfinite(x).all():
        raise ValueError("images hold NaN or infinite values.")
    lo, hi = float(x.min()), float(x.max())
    scaled = (x - lo) / (hi - lo) if hi > lo else np.zeros_like(x)
    return np.ascontiguousarray(np.rint(scaled * 255), dtype=np.uint8)


class DenseDecoder:
    """A decoder the window can run in numpy: Linear layers, ReLU between them, a Sigmoid at the end.

    Parameters
    ----------
    linears : list of nn.Linear
        In order, first takes the embedding.
    image_shape : tuple of int
        ``(H, W)`` of the decoded image (``H * W`` is the last layer's width).
    """

    def __init__(self, linears: list[nn.Linear], image_shape: tuple[int, int]) -> None:
        self.linears = linears
        self.image_shape = image_shape

    @property
    def widths(self) -> list[int]:
        """``[D, hidden..., H*W]``."""
        return [self.linears[0].in_features, *(lin.out_features for lin in self.linears)]

    def tensors(self) -> dict[str, np.ndarray]:
        """The current weights, ``decoder.{i}.weight`` ``[out, in]`` and ``decoder.{i}.bias``, float32 numpy."""
        out: dict[str, np.ndarray] = {}
        for i, lin in enumerate(self.linears):
            out[f"decoder.{i}.weight"] = lin.weight.detach().float().cpu().numpy()
            bias = lin.bias.detach().float().cpu().numpy() if lin.bias is not None else np.zeros(lin.out_features)
            out[f"decoder.{i}.bias"] = bias.astype(np.float32)
        return out


_PASS = (nn.Identity, nn.Flatten, nn.Unflatten, nn.Dropout)


def dense_decoder(module: nn.Module, image_hw: tuple[int, int] | None) -> DenseDecoder:
    """Read ``module`` as a :class:`DenseDecoder`, or raise ValueError saying what the window can decode.

    Parameters
    ----------
    module : nn.Module
        Usually an ``nn.Sequential`` (nested ones are read in order).
    image_hw : tuple of int, optional
        The probe images' ``(H, W)`` when they are grey, to shape the decoded pixels.
    """
    leaves = [m for m in module.modules() if not list(m.children())] if list(module.children()) else [module]
    kinds = [m for m in leaves if not isinstance(m, _PASS)]
    unflat = next((m for m in leaves if isinstance(m, nn.Unflatten)), None)
    ok = (len(kinds) >= 2 and isinstance(kinds[-1], nn.Sigmoid) and isinstance(kinds[0], nn.Linear)
          and all(isinstance(m, nn.Linear) if i % 2 == 0 else isinstance(m, nn.ReLU) for i, m in enumerate(kinds[:-1])))
    if not ok:
        found = ", ".join(type(m).__name__ for m in kinds[:8]) or "no layers"
        raise ValueError("decoder= must be dense layers the window can run without torch: nn.Linear layers with "
                         f"nn.ReLU between them and nn.Sigmoid at the end (found {found}).")
    linears = [m for m in kinds if isinstance(m, nn.Linear)]
    pixels = linears[-1].out_features
    side = int(round(np.sqrt(pixels)))
    shape: tuple[int, ...] | None = None
    if image_hw is not None and image_hw[0] * image_hw[1] == pixels:
        shape = image_hw
    elif unflat is not None and int(np.prod(unflat.unflattened_size)) == pixels:
        dims = [int(v) for v in unflat.unflattened_size if int(v) != 1]
        shape = tuple(dims) if len(dims) == 2 else None
    elif side * side == pixels:
        shape = (side, side)
    if shape is None or len(shape) != 2 or max(shape) > MAX_IMAGE_SIDE:
        raise ValueError(f"decoder= makes {pixels} pixels, which is no grey image of at most {MAX_IMAGE_SIDE} pixels "
                         "a side that the probe images or an nn.Unflatten name; pass grey images= of that size.")
    return DenseDecoder(linears, (int(shape[0]), int(shape[1])))


def _first_tensor(out: Any) -> torch.Tensor:
    while isinstance(out, (tuple, list)) and out:
        out = out[0]
    if isinstance(out, dict) and out:
        out = next(iter(out.values()))
    if not isinstance(out, torch.Tensor):
        raise ValueError(f"the embedding is a {type(out).__name__}, not a tensor")
    return out


def run_probe(model: nn.Module, inputs: torch.Tensor, embed: Embed, *, batch_size: int,
              loss_fn: LossFn | None = None, targets: torch.Tensor | None = None,
              ) -> tuple[torch.Tensor, torch.Tensor | None]:
    """The embedding ``[N, D]`` (and per-sample loss ``[N]``) of ``inputs``, in batches on the model's device.

    Runs under ``torch.no_grad()``; the caller sets eval mode and restores the model's modes.
    A module name in ``embed`` is read with a forward hook on ``model.get_submodule(embed)``
    during one ``model(x)`` call, which also gives ``loss_fn`` its outputs.

    Returns
    -------
    embedding : Tensor, shape (N, D), on the model's device
    loss : Tensor, shape (N,), or None
    """
    param = next(iter(model.parameters()), None)
    device = param.device if param is not None else torch.device("cpu")
    n = len(inputs)
    captured: list[torch.Tensor] = []
    hook = None
    if isinstance(embed, str):
        hook = model.get_submodule(embed).register_forward_hook(lambda _m, _i, out: captured.append(_first_tensor(out)))
    emb: torch.Tensor | None = None
    loss: torch.Tensor | None = None
    try:
        with torch.no_grad():
            for start in range(0, n, batch_size):
                x = inputs[start:start + batch_size].to(device, non_blocking=True)
                b = len(x)
                out = None
                if hook is not None:
                    captured.clear()
                    out = model(x)
                    if not captured:
                        raise ValueError(f"module {embed!r} did not run during model(inputs)")
                    e = captured[-1]
                else:
                    assert callable(embed)
                    e = _first_tensor(embed(model, x))
                if e.shape[0] != b:
                    raise ValueError(f"the embedding of a batch of {b} inputs has shape {tuple(e.shape)}, "
                                     f"not ({b}, D)")
                e = e.reshape(b, -1)
                if emb is None:
                    emb = torch.empty((n, e.shape[1]), dtype=torch.float32, device=e.device)
                elif e.shape[1] != emb.shape[1]:
                    raise ValueError(f"the embedding changed width from {emb.shape[1]} to {e.shape[1]}")
                emb[start:start + b] = e
                if loss_fn is not None:
                    per = _per_sample(loss_fn(model(x) if out is None else out, _batch(targets, start, b, device)), b)
                    if loss is None:
                        loss = torch.empty(n, dtype=torch.float32, device=per.device)
                    loss[start:start + b] = per
    finally:
        if hook is not None:
            hook.remove()
    assert emb is not None
    return emb, loss


def _batch(targets: torch.Tensor | None, start: int, b: int, device: torch.device) -> torch.Tensor | None:
    return None if targets is None else targets[start:start + b].to(device, non_blocking=True)


def _per_sample(value: Any, b: int) -> torch.Tensor:
    t = _first_tensor(value)
    if t.ndim == 0 or t.shape[0] != b:
        raise ValueError(f"loss_fn must return one loss per input (shape ({b},), e.g. reduction='none'), "
                         f"not shape {tuple(t.shape)}")
    return t.reshape(b, -1).float().mean(dim=1)
