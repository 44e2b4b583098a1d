"""Runs at the caps, built at test time in a second: many snapshots whose weights files are hard links of one."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from latent3d.config.train import TrainConfig
from latent3d.runs.store import weights_file

WIDTHS_ENC = (784, 256, 128, 64, 3)
WIDTHS_DEC = (3, 64, 128, 256, 784)


def _tensors(rng: np.random.Generator) -> dict[str, np.ndarray]:
    out = {}
    for prefix, widths in (("encoder", WIDTHS_ENC), ("decoder", WIDTHS_DEC)):
        for k, (a, b) in enumerate(zip(widths[:-1], widths[1:])):
            out[f"{prefix}.{2 * k}.weight"] = rng.normal(0, 0.1, (b, a)).astype(np.float32)
            out[f"{prefix}.{2 * k}.bias"] = rng.normal(0, 0.1, b).astype(np.float32)
    return out


def make_long_run(target: Path, snapshots: int, n: int = 20) -> Path:
    """A valid format-2 run of one epoch of ``snapshots - 1`` steps, a snapshot at every step (hard-linked weights)."""
    from safetensors.numpy import save_file

    rng = np.random.default_rng(0)
    spe = snapshots - 1
    (target / "weights").mkdir(parents=True)
    first = target / weights_file(0)
    save_file(_tensors(rng), str(first))
    for step in range(1, snapshots):
        os.link(first, target / weights_file(step))
    np.save(target / "codes.npy", rng.normal(0, 1, (snapshots, n, 3)).astype(np.float32))
    np.save(target / "test_bce.npy", rng.uniform(0.2, 0.7, (snapshots, n)).astype(np.float32))
    np.save(target / "labels.npy", (np.arange(n) % 10).astype(np.uint8))
    np.save(target / "steps.npy", np.arange(snapshots, dtype=np.int64))
    np.save(target / "step_loss.npy", np.full(spe, 0.4, np.float32))
    meta = {"format_version": 2, "status": "complete", "created": "2026-12-02T00:00:00+00:00",
            "config": TrainConfig(epochs=1).to_dict(), "epochs": 1, "steps_per_epoch": spe, "test_images": n,
            "snapshots": [{"step": s, "epoch": s / spe, "test_loss": 0.4} for s in range(snapshots)],
            "train_loss": [0.4], "test_loss": [0.4], "initial_test_loss": 0.4,
            "weights": {"dtype": "float32", "encoder": "all"}}
    (target / "run.json").write_text(json.dumps(meta))
    return target
