"""Synthetic runs for the viewer tests, written with RunWriter from seeded random weights."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from latent3d.config.train import ModelConfig, TrainConfig
from latent3d.runs import Run
from latent3d.runs.writer import RunWriter


def _dense(rng: np.random.Generator, widths: tuple[int, ...], prefix: str) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for i, (n_in, n_out) in enumerate(zip(widths[:-1], widths[1:])):
        out[f"{prefix}.{2 * i}.weight"] = (rng.standard_normal((n_out, n_in)) / np.sqrt(n_in)).astype(np.float32)
        out[f"{prefix}.{2 * i}.bias"] = (0.1 * rng.standard_normal(n_out)).astype(np.float32)
    return out


def synthetic_codes(n: int, epochs: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Codes ``[epochs+1, n, 3]`` that spread from one blob into ten class clusters, and labels ``[n]``."""
    rng = np.random.default_rng(seed)
    labels = (np.arange(n) % 10).astype(np.uint8)
    rng.shuffle(labels)
    centres = rng.uniform(-4, 4, (10, 3)).astype(np.float32)
    noise = rng.standard_normal((n, 3)).astype(np.float32)
    codes = np.stack([centres[labels] * (e / max(epochs, 1)) + noise * (1.0 - 0.6 * e / max(epochs, 1))
                      for e in range(epochs + 1)]).astype(np.float32)
    return codes, labels


def make_run(target: Path, *, n: int = 2000, epochs: int = 3, seed: int = 0) -> Path:
    """Write a complete synthetic run at ``target`` and return it."""
    rng = np.random.default_rng(seed + 1)
    model = ModelConfig()
    config = TrainConfig(epochs=epochs, max_test_images=n, snapshots="epochs")  # snapshot e = end of epoch e
    codes, labels = synthetic_codes(n, epochs, seed)
    spe = config.steps_per_epoch()
    with RunWriter(Path(target), config, steps_per_epoch=spe) as writer:
        for e in range(epochs + 1):
            weights = _dense(rng, model.decoder_widths, "decoder") | _dense(
                rng, (model.input_dim, *model.hidden, model.code_dim), "encoder")
            bce = (0.6 - 0.05 * e + 0.01 * rng.random(n)).astype(np.float32)
            writer.add_snapshot(e * spe, codes[e], bce, float(bce.mean()), weights,
                                step_losses=np.linspace(0.7, 0.6 - 0.05 * e, spe if e else 0, dtype=np.float32),
                                train_loss=None if e == 0 else 0.6 - 0.05 * e)
        return writer.finish(labels=labels)


def grown(run: Run, k: int | None = None) -> Run:
    """``run`` as a live training shows it: its first ``k`` snapshots (default: all), or one more than it has.

    With ``k`` at most the run's snapshot count the run is cut there; without ``k`` one snapshot is
    added after the last (its codes moved, its decoder the last one's).
    """
    import dataclasses

    if k is not None:
        return dataclasses.replace(run, codes=run.codes[:k], test_bce=run.test_bce[:k], steps=run.steps[:k],
                                   snapshot_test_loss=run.snapshot_test_loss[:k],
                                   _weights={i: run._weights[i] for i in range(k)}, _decoders={})
    last = len(run.codes) - 1
    return dataclasses.replace(
        run, codes=np.concatenate([run.codes, run.codes[-1:] * 1.5]),
        test_bce=np.concatenate([run.test_bce, run.test_bce[-1:]]),
        steps=np.append(run.steps, run.steps[-1] + run.steps_per_epoch),
        snapshot_test_loss=np.append(run.snapshot_test_loss, run.snapshot_test_loss[-1]),
        _weights={**run._weights, last + 1: run._weights[last]}, _decoders={})


def run_with_codes(target: Path, change: Callable[[np.ndarray], np.ndarray]) -> Path:
    """A 1-epoch, 300-point run (``make_fake_run``) whose codes are replaced by ``change(codes)``."""
    from tests.conftest import make_fake_run

    run = make_fake_run(target, epochs=1, n=300)
    np.save(run / "codes.npy", change(np.load(run / "codes.npy")).astype(np.float32))
    return run


def coloured_pixels(img: np.ndarray) -> int:
    """Saturated pixels (the class colours of points) in the middle of a 200x150 frame, away from its captions."""
    middle = img[25:125, 40:180].astype(int)
    return int(((middle.max(-1) - middle.min(-1)) > 60).sum())
