"""The examples in examples/ run as a user runs them (``python examples/X.py``), on a few hundred images."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from latent3d.config.schedule import snapshot_steps
from latent3d.runs import load_run

REPO = Path(__file__).resolve().parent.parent
SMALL = ["--epochs", "2", "--train-images", "640", "--probe-images", "200"]


def _run(script: str, data_dir: Path, out: Path, *extra: str) -> str:
    # this checkout's latent3d, as an installed one would be; one OpenMP thread: at torch's default two, on a
    # loaded 2-core machine, the small steps spin on contended cores (what they compute does not change)
    env = dict(os.environ, PYTHONPATH=str(REPO), OMP_NUM_THREADS="1")
    r = subprocess.run([sys.executable, f"examples/{script}", "--data-dir", str(data_dir), "--out", str(out),
                        *SMALL, *extra], capture_output=True, text=True, cwd=REPO, timeout=600, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout


def test_cnn_classifier_records_its_64d_layer(data_dir: Path, tmp_path: Path) -> None:
    out = _run("cnn_classifier.py", data_dir, tmp_path / "cnn")
    assert f"open them with `python run.py {tmp_path / 'cnn'}`" in out
    run = load_run(tmp_path / "cnn")
    assert run.raw_codes is not None and run.raw_codes.shape[1:] == (200, 64)
    assert run.steps.tolist() == snapshot_steps("log", 10, 2).tolist()
    assert run.projection is not None and run.projection.describe().startswith("PCA of 64-D, ")
    assert run.capabilities == {"images", "labels", "losses"} and run.class_names[0] == "T-shirt/top"
    assert run.snapshot_test_loss[-1] < run.snapshot_test_loss[0] - 0.5  # it learned something


def test_vae_records_its_decoder(data_dir: Path, tmp_path: Path) -> None:
    _run("vae.py", data_dir, tmp_path / "vae")
    run = load_run(tmp_path / "vae")
    assert "decoder" in run.capabilities and run.projection is None and run.image_shape == (28, 28)
    pictures = run.decode(run.codes[-1, :4])
    assert pictures.shape == (4, 28, 28) and np.isfinite(pictures).all() and 0 <= pictures.min() <= pictures.max() <= 1
    # The last decoder reconstructs the probe images better than the untrained one.
    images = run.images[:50].astype(np.float32) / 255
    err = [np.abs(run.decode(run.codes[s, :50], float(run.steps[s])) - images).mean() for s in (0, -1)]
    assert err[1] < err[0]


def test_lightning_example(data_dir: Path, tmp_path: Path) -> None:
    pytest.importorskip("lightning.pytorch")
    _run("lightning_cnn.py", data_dir, tmp_path / "pl")
    run = load_run(tmp_path / "pl")
    assert run.raw_codes is not None and run.raw_codes.shape[1:] == (200, 64)
    assert run.steps.tolist() == snapshot_steps("log", 10, 2).tolist() and run.meta["status"] == "complete"
