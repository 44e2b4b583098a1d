"""Shared fixtures: the Fashion-MNIST folder, an isolated runs folder, and a tiny real run."""

from __future__ import annotations

import ctypes
import gc
import os
import signal
import sys
from pathlib import Path

import numpy as np
import pytest

from latent3d.config.schedule import snapshot_steps
from latent3d.config.train import TrainConfig
from latent3d.runs.writer import RunWriter

REPO = Path(__file__).resolve().parents[1]

# A suite started in the background (`make test &`, nohup) inherits SIGINT (and SIGHUP) ignored, and
# every process the tests start would inherit that too: the tests of Ctrl+C and SIGHUP would then
# wait for victims that never see the signal (minutes of timeouts, then failures). A handler that
# does nothing keeps this process as deaf as it was asked to be, while the children it starts get
# the default disposition back at exec, as from a terminal.
for _sig in (signal.SIGINT, signal.SIGHUP):
    if signal.getsignal(_sig) is signal.SIG_IGN:
        signal.signal(_sig, lambda *_: None)


def _find_data_dir() -> Path | None:
    env = os.environ.get("LATENT3D_DATA_DIR")
    candidates = [Path(env)] if env else [REPO.parent / "shared" / "data"]
    for c in candidates:
        if (c / "FashionMNIST" / "raw" / "t10k-images-idx3-ubyte").is_file():
            return c
    return None


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The Fashion-MNIST folder from LATENT3D_DATA_DIR (CI sets it; skip elsewhere if absent)."""
    found = _find_data_dir()
    if found is None:
        pytest.skip("Fashion-MNIST not found: set LATENT3D_DATA_DIR to a folder with FashionMNIST/raw")
    return found


@pytest.fixture(autouse=True)
def _isolated_runs_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test writes runs into its own folder, never into the project's checkpoints/."""
    runs = tmp_path_factory.mktemp("runs")
    monkeypatch.setenv("LATENT3D_RUNS_DIR", str(runs))
    return runs


def make_fake_run(target: Path, epochs: int = 2, n: int = 500, seed: int = 0, snapshots: str = "epochs") -> Path:
    """A small, valid run from random weights (for tests that need a run but not training).

    With the ``"epochs"`` schedule snapshot ``e`` is the end of epoch ``e``, as in a format-1 run.
    """
    rng = np.random.default_rng(seed)
    losses_rng = np.random.default_rng(seed + 1000)  # its own stream: the other numbers stay as they were
    config = TrainConfig(epochs=epochs, snapshots=snapshots)
    spe = config.steps_per_epoch()
    widths_enc = (784, 256, 128, 64, 3)
    widths_dec = (3, 64, 128, 256, 784)
    labels = rng.integers(0, 10, n).astype(np.uint8)
    with RunWriter(target, config, steps_per_epoch=spe) as w:
        prev = 0
        for i, step in enumerate(snapshot_steps(snapshots, spe, epochs).tolist()):
            weights = {}
            for prefix, widths in (("encoder", widths_enc), ("decoder", widths_dec)):
                for k, (a, b) in enumerate(zip(widths[:-1], widths[1:])):
                    weights[f"{prefix}.{2 * k}.weight"] = rng.normal(0, 0.1, (b, a)).astype(np.float32)
                    weights[f"{prefix}.{2 * k}.bias"] = rng.normal(0, 0.1, b).astype(np.float32)
            codes = rng.normal(i, 1.0, (n, 3)).astype(np.float32)
            bce = rng.uniform(0.2, 0.7, n).astype(np.float32)
            epoch_end = step > 0 and step % spe == 0
            w.add_snapshot(step, codes, bce, float(bce.mean()), weights,
                           step_losses=losses_rng.uniform(0.3, 0.7, step - prev).astype(np.float32),
                           train_loss=0.5 / (step // spe + 1) if epoch_end else None)
            prev = step
        return w.finish(labels=labels)


@pytest.fixture
def fake_run(tmp_path: Path) -> Path:
    """A valid 2-epoch run of 500 points built from random weights."""
    return make_fake_run(tmp_path / "fake-run")


# ---------------------------------------------------------------------------------------------
# Before any Qt test: an X display and Qt's xcb libraries, or one sentence saying what to install.
# Without them Qt aborts the whole process ("Fatal Python error: Aborted") at the first widget.

APT_LINE = ("sudo apt-get install xvfb xauth libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 "
            "libxcb-render-util0 libxcb-xinerama0 libxcb-xkb1 libxkbcommon-x11-0 libxcb-shape0 libgl1 libegl1")
# The libraries Qt's xcb platform plugin (or VTK's GL) cannot start without, as the loader names them.
QT_XCB_LIBRARIES = ("libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libxcb-image.so.0",
                    "libxcb-render-util.so.0", "libxcb-xkb.so.1", "libxkbcommon-x11.so.0", "libxcb-shape.so.0",
                    "libGL.so.1", "libEGL.so.1")
HIDE_LIBS_ENV = "LATENT3D_TEST_HIDE_LIBS"  # for the tests of this check only: libraries to treat as missing


def missing_for_qt_tests() -> list[str]:
    """What the Qt tests lack on this machine: ``Xvfb`` (no display to use) and xcb libraries that do not load."""
    if not sys.platform.startswith("linux") or not os.environ.get("QT_QPA_PLATFORM", "xcb").startswith("xcb"):
        return []
    missing = [] if os.environ.get("DISPLAY") else ["Xvfb"]  # pytest-xvfb has set DISPLAY if it found Xvfb
    hidden = set(filter(None, os.environ.get(HIDE_LIBS_ENV, "").split(",")))
    for name in QT_XCB_LIBRARIES:
        try:
            if name in hidden:
                raise OSError(name)
            ctypes.CDLL(name)
        except OSError:
            missing.append(name)
    return missing


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Stop before the first Qt test with one sentence if the display or Qt's libraries are missing."""
    if not any({"qapp", "qtbot"} & set(getattr(item, "fixturenames", ())) for item in items):
        return
    missing = missing_for_qt_tests()
    if missing:
        pytest.exit(f"The Qt tests cannot start because {', '.join(missing)} "
                    f"{'is' if len(missing) == 1 else 'are'} missing: install the README's packages with "
                    f"`{APT_LINE}` (or run the other tests with `pytest --ignore=tests/qt`).",
                    returncode=pytest.ExitCode.USAGE_ERROR)


@pytest.hookimpl(tryfirst=True)
def pytest_runtestloop(session: pytest.Session) -> None:
    """Before the first test: torch's compiler loaded, and what is imported frozen out of garbage collection.

    torch, Qt, VTK and pyvista leave about half a million objects that live until the end; every full
    collection walked them all (about 0.25 s each), and the Qt leak guard collects after every Qt
    test. Objects the tests create are still collected as before.
    """
    # Load torch's compiler stack (and with it triton's bundled LLVM) before any test creates a
    # GL context: once Mesa's llvmpipe has loaded its own LLVM into the process, importing
    # triton later segfaults (seen with torch 2.14 + VTK 9.7 on software GL). The app itself
    # never mixes the two in one process: the viewer does not import torch. Here, once collected
    # (after the Qt check above), a run it stops in one sentence does not pay for importing torch.
    import torch._dynamo  # noqa: F401

    gc.collect()
    gc.freeze()

