"""SIGTERM, SIGHUP and Ctrl+C close the window as *Stop and close* does: training discarded, settings saved, exit 0."""

from __future__ import annotations

import functools
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from qt.conftest import dispose, open_window

from latent3d.config.train import TrainConfig
from latent3d.qt.app import SHUTDOWN_SIGNALS, SignalBridge, WindowShutdown
from latent3d.runs import default_runs_dir
from tests.conftest import make_fake_run
from tests.support.processes import alive, children_of, partials, wait_gone
from tests.support.side_by_side import Outcome, outcomes

REPO = Path(__file__).resolve().parents[2]
LONG = TrainConfig(epochs=1000, max_train_images=2000, max_test_images=500)  # still running when the signal comes
# ``python run.py view`` whose window starts a training as soon as it shows (as Ctrl+T, Return would)
# and prints the training process's pid once its data is loaded.
APP = r"""
import sys
from pathlib import Path
from PySide6.QtCore import QTimer
from latent3d.config.train import TrainConfig
from latent3d.qt import main_window

built = main_window.MainWindow.build

def build(self):  # once the window is built (after its first frame: the feature parts exist from then)
    built(self)
    c = self.parts["training"]["training"].controller
    c.started.connect(lambda _msg: print(c.pid, flush=True))
    config = TrainConfig(epochs=1000, max_train_images=2000, max_test_images=500)
    QTimer.singleShot(0, lambda: self.parts["training"]["training"].start(config, Path(sys.argv[1])))

main_window.MainWindow.build = build
from latent3d.cli.parser import main
sys.exit(main(["view", "--data-dir", sys.argv[2]]))
"""


def _training(window: Any) -> Any:
    """The window's training feature (its LiveTraining)."""
    return window.parts["training"]["training"]



@pytest.mark.parametrize("sig", SHUTDOWN_SIGNALS, ids=[s.name for s in SHUTDOWN_SIGNALS])
def test_bridge_delivers_the_signal_to_the_event_loop(qtbot, sig: signal.Signals) -> None:  # noqa: ANN001
    before = signal.getsignal(sig)
    bridge = SignalBridge()
    try:
        with qtbot.waitSignal(bridge.received, timeout=5000) as caught:
            os.kill(os.getpid(), sig)  # only C++ runs in the waiting loop: the wakeup socket must wake it
        assert caught.args == [int(sig)]
    finally:
        bridge.close()
    assert signal.getsignal(sig) == before


def test_signal_while_the_close_question_is_open_stops_and_closes(qtbot, settings, synthetic_run,  # noqa: ANN001
                                                                  data_dir) -> None:  # noqa: ANN001
    w = open_window(qtbot, settings, data_dir, synthetic_run)
    bridge = SignalBridge()
    quits: list[int] = []
    shutdown = WindowShutdown(lambda: quits.append(1), w)
    bridge.received.connect(shutdown.on_signal)
    try:
        _training(w).start(LONG, default_runs_dir() / "asked")
        with qtbot.waitSignal(_training(w).controller.snapshot_received, timeout=60000):
            pass
        child = _training(w).controller.pid
        # The real question box runs its own event loop inside closeEvent; SIGTERM arrives meanwhile.
        QTimer.singleShot(300, lambda: os.kill(os.getpid(), signal.SIGTERM))
        w.close()
        qtbot.waitUntil(lambda: bool(quits), timeout=15000)
        assert not w.isVisible() and not _training(w).running
        assert QApplication.activeModalWidget() is None
        assert child is not None and wait_gone([child]) >= 0
        assert list(default_runs_dir().iterdir()) == []  # no run, no partial folder
        assert settings.value("geometry") is not None
    finally:
        bridge.close()
        dispose(w)


@pytest.fixture(scope="module")
def training_windows_signalled(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Outcome]:
    """Both cases below, each a window process of its own in its own folder, side by side."""
    return outcomes({sig.name: functools.partial(_signal_a_training_window, sig, data_dir,
                                                 tmp_path_factory.mktemp(sig.name))
                     for sig in (signal.SIGTERM, signal.SIGINT)})


@pytest.mark.parametrize("sig", ["SIGTERM", "SIGINT"])
def test_signal_to_a_training_window_exits_0_and_leaves_nothing(sig: str,
                                                               training_windows_signalled: dict[str, Outcome]) -> None:
    if not os.environ.get("DISPLAY"):
        pytest.skip("needs an X display (pytest-xvfb provides one)")
    print(training_windows_signalled[sig].get())


def _signal_a_training_window(sig: signal.Signals, data_dir: Path, tmp_path: Path) -> str:
    """Start `view` with a training running, send it ``sig``; check it exits 0 and leaves nothing."""
    if not os.environ.get("DISPLAY"):
        return "skipped: no X display"
    runs_dir, config_home = tmp_path / "runs", tmp_path / "config"
    make_fake_run(runs_dir / "earlier", epochs=1, n=200)  # so the window opens a run, no "no run yet" box
    env = {**os.environ, "PYTHONPATH": str(REPO), "LATENT3D_RUNS_DIR": str(runs_dir),
           "XDG_CONFIG_HOME": str(config_home), "OMP_NUM_THREADS": "1", "LATENT3D_TRAIN_THREADS": "1"}
    app = subprocess.Popen([sys.executable, "-c", APP, str(runs_dir / "live"), str(data_dir)], env=env, cwd=REPO,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert app.stdout is not None
        line = app.stdout.readline()
        assert line.strip().isdigit(), f"the training did not start: {line!r} {app.communicate()[1][-800:]}"
        child = int(line)
        while not partials(runs_dir, "live"):  # training and writing its run
            assert app.poll() is None and alive(child)
            time.sleep(0.02)
        family = children_of(app.pid)  # the training and multiprocessing's resource tracker
        assert child in family
        t0 = time.monotonic()
        app.send_signal(sig)
        _, err = app.communicate(timeout=60)
        took = f"{sig.name}: window exited {app.returncode} after {time.monotonic() - t0:.2f} s"
    finally:
        if app.poll() is None:
            app.kill()
            app.wait()
    assert app.returncode == 0, err[-1500:]
    wait_gone(family)
    assert sorted(p.name for p in runs_dir.iterdir()) == ["earlier"]  # no run added, no partial folder
    conf = config_home / "latent3d" / "latent3d.conf"
    assert conf.is_file() and "geometry" in conf.read_text(), "settings were not saved"
    return took


def test_error_box_does_not_block_the_shutdown(qtbot, window, monkeypatch) -> None:  # noqa: ANN001
    quits: list[int] = []
    shutdown = WindowShutdown(lambda: quits.append(1), window)
    QTimer.singleShot(200, lambda: shutdown.on_signal(signal.SIGHUP))
    QMessageBox.critical(window, "Training failed", "An error nobody is there to read.")  # a nested event loop
    qtbot.waitUntil(lambda: bool(quits), timeout=5000)
    assert not window.isVisible() and shutdown.signum == signal.SIGHUP


# ``python run.py view`` that prints once the preview has drawn, just before the heavy imports start.
PREVIEW_APP = r"""
import sys
from latent3d.qt import staged

started = staged.StagedBuild._start

def _start(self):
    if self._thread is None:
        print("PREVIEW", flush=True)
    started(self)

staged.StagedBuild._start = _start
from latent3d.cli.parser import main
sys.exit(main(["view"]))
"""


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_while_the_preview_loads_the_rest_exits_0_at_once(sig: signal.Signals, tmp_path: Path) -> None:
    """Closed before it is built: exit 0, no traceback, and the saved settings keep no half-made dock layout."""
    if not os.environ.get("DISPLAY"):
        pytest.skip("needs an X display (pytest-xvfb provides one)")
    runs_dir, config_home = tmp_path / "runs", tmp_path / "config"
    make_fake_run(runs_dir / "earlier", epochs=1, n=200)
    env = {**os.environ, "PYTHONPATH": str(REPO), "LATENT3D_RUNS_DIR": str(runs_dir),
           "XDG_CONFIG_HOME": str(config_home)}
    app = subprocess.Popen([sys.executable, "-c", PREVIEW_APP], env=env, cwd=REPO, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    try:
        assert app.stdout is not None
        line = app.stdout.readline()
        assert line.strip() == "PREVIEW", f"no preview: {line!r} {app.communicate()[1][-800:]}"
        app.send_signal(sig)
        _, err = app.communicate(timeout=60)
    finally:
        if app.poll() is None:
            app.kill()
            app.wait()
    assert app.returncode == 0, err[-1500:]
    assert "Traceback" not in err, err[-1500:]
    conf = (config_home / "latent3d" / "latent3d.conf").read_text()
    assert "geometry" in conf and "dock_state" not in conf
