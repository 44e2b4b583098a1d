"""The examples in examples/ run as a user runs them (``python examples/X.py``), on a few hundred images."""

from __future__ import annotations

import functools
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from latent3d.config.schedule import snapshot_steps
from latent3d.runs import load_run
from tests.support.side_by_side import side_by_side

REPO = Path(__file__).resolve().parent.parent
Finished = subprocess.CompletedProcess[str]
SMALL = ["--epochs", "2", "--train-images", "640", "--probe-images", "200"]


def _run(script: str, data_dir: Path, out: Path, *extra: str) -> Finished:
    # this checkout's latent3d, as an installed one would be; one OpenMP thread: at torch's default two, on a
    # loaded 2-core machine, the small steps spin on contended cores (what they compute does not change)
    env = dict(os.environ, PYTHONPATH=str(REPO), OMP_NUM_THREADS="1")
    return subprocess.run([sys.executable, f"examples/{script}", "--data-dir", str(data_dir), "--out", str(out),
                           *SMALL, *extra], capture_output=True, text=True, cwd=REPO, timeout=600, env=env)


@pytest.fixture(scope="module")
def ran(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Finished]]:
    """Each example run once as a user runs it, two at a time (one thread each), the longest first."""
    scripts = {"cnn": "cnn_classifier.py", "vae": "vae.py"}
    if importlib.util.find_spec("lightning") is not None:  # its test skips itself otherwise
        scripts = {"pl": "lightning_cnn.py", **scripts}
    outs = {key: tmp_path_factory.mktemp("examples") / key for key in scripts}
    done = side_by_side({key: functools.partial(_run, script, data_dir, outs[key]) for key, script in scripts.items()})
    return {key: (outs[key], done[key]) for key in scripts}


def _output(ran: dict[str, tuple[Path, Finished]], key: str) -> tuple[Path, str]:
    """The example's output folder and what it printed, once it is known to have exited 0."""
    folder, r = ran[key]
    assert r.returncode == 0, r.stdout + r.stderr
    return folder, r.stdout


def test_cnn_classifier_records_its_64d_layer(ran: dict[str, tuple[Path, Finished]]) -> None:
    folder, out = _output(ran, "cnn")
    assert f"open them with `python run.py {folder}`" in out
    run = load_run(folder)
    assert run.raw_codes is not None and run.raw_codes.shape[1:] == (200, 64)
    assert run.steps.tolist() == snapshot_steps("log", 10, 2).tolist()
    assert run.projection is not None and run.projection.describe().startswith("PCA of 64-D, ")
    assert run.capabilities == {"images", "labels", "losses"} and run.class_names[0] == "T-shirt/top"
    assert run.snapshot_test_loss[-1] < run.snapshot_test_loss[0] - 0.5  # it learned something


def test_vae_records_its_decoder(ran: dict[str, tuple[Path, Finished]]) -> None:
    run = load_run(_output(ran, "vae")[0])
    assert "decoder" in run.capabilities and run.projection is None and run.image_shape == (28, 28)
    pictures = run.decode(run.codes[-1, :4])
    assert pictures.shape == (4, 28, 28) and np.isfinite(pictures).all() and 0 <= pictures.min() <= pictures.max() <= 1
    # The last decoder reconstructs the probe images better than the untrained one.
    images = run.images[:50].astype(np.float32) / 255
    err = [np.abs(run.decode(run.codes[s, :50], float(run.steps[s])) - images).mean() for s in (0, -1)]
    assert err[1] < err[0]


def test_lightning_example(ran: dict[str, tuple[Path, Finished]]) -> None:
    pytest.importorskip("lightning.pytorch")
    run = load_run(_output(ran, "pl")[0])
    assert run.raw_codes is not None and run.raw_codes.shape[1:] == (200, 64)
    assert run.steps.tolist() == snapshot_steps("log", 10, 2).tolist() and run.meta["status"] == "complete"
