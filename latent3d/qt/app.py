"""Entry point of the viewer: QApplication, the main window on a run, exec; SIGTERM, SIGHUP, Ctrl+C close it cleanly."""

from __future__ import annotations

import os
import signal
import socket
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, QSocketNotifier, QThread, QTimer, Signal
from PySide6.QtWidgets import QApplication, QDialog

from latent3d.qt.staged import Handover, StagedBuild, preview_supported, show_first
from latent3d.qt.widgets.dialogs import error_box, info_box
from latent3d.runs import Run, RunError, default_runs_dir, load_run, newest_run
from latent3d.state.view import ViewSpec

if TYPE_CHECKING:
    from latent3d.qt.main_window import MainWindow

__all__ = ["SHUTDOWN_SIGNALS", "SignalBridge", "WindowShutdown", "event_loop_running", "run_viewer", "show_window",
           "skip_cuda_probe"]

# A kill, a logout or closed terminal, Ctrl+C (Windows has no SIGHUP).
SHUTDOWN_SIGNALS = tuple(getattr(signal, n) for n in ("SIGTERM", "SIGHUP", "SIGINT") if hasattr(signal, n))
STEP_MS = 20  # while a dialog's own event loop is ending, look again this often
MAX_STEPS = 100  # ...for at most ~2 s, then close regardless


def _do_nothing(_signum: int, _frame: object) -> None:
    """The Python-level handler: the work happens in the GUI thread, woken by the wakeup byte."""


class SignalBridge(QObject):
    """Delivers POSIX signals to the GUI thread as the Qt signal ``received(int)``.

    Python runs a signal handler only when the interpreter gets control, and Qt's event loop
    runs in C++: a Ctrl+C would wait for the next Python slot, if any. So the C-level handler's
    wakeup byte (:func:`signal.set_wakeup_fd`, the signal number) goes into a socket pair whose
    other end a ``QSocketNotifier`` watches; the event loop wakes at once and emits it.

    Parameters
    ----------
    signals : iterable of int
        The signals to catch (their previous handlers come back on :meth:`close`).
    parent : QObject, optional

    Notes
    -----
    Create it in the main thread, after the ``QApplication``. The wakeup fd is one per process.
    """

    received = Signal(int)

    def __init__(self, signals: Iterable[int] = SHUTDOWN_SIGNALS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._signals = tuple(int(s) for s in signals)
        self._read, self._write = socket.socketpair()
        self._read.setblocking(False)
        self._write.setblocking(False)  # a signal handler must never block on a full socket
        self._previous_fd = signal.set_wakeup_fd(self._write.fileno(), warn_on_full_buffer=False)
        self._previous = {s: signal.signal(s, _do_nothing) for s in self._signals}
        self._notifier = QSocketNotifier(self._read.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._on_wakeup)

    def _on_wakeup(self) -> None:
        try:
            data = self._read.recv(512)
        except (BlockingIOError, InterruptedError):
            return
        for signum in data:
            if signum in self._signals:  # another module's handlers also write here
                self.received.emit(signum)

    def close(self) -> None:
        """Put the previous handlers and wakeup fd back and release the sockets."""
        self._notifier.setEnabled(False)
        for s, handler in self._previous.items():
            signal.signal(s, handler)
        signal.set_wakeup_fd(self._previous_fd)
        self._read.close()
        self._write.close()


class WindowShutdown(QObject):
    """Closes the window as its *Stop and close* answer does, without asking, then quits.

    Parameters
    ----------
    quit_app : callable
        Ends the event loop (``QApplication.quit``); its status is then 0.
    window : MainWindow, optional
        The window to close; set :attr:`window` once it exists.

    Notes
    -----
    A dialog's own event loop (the close question, an error box, Train…) may be running: it is
    dismissed first, and the window closed once control is back in the main loop, so that a
    close already in progress finishes by itself instead of running twice.
    """

    def __init__(self, quit_app: Callable[[], None], window: MainWindow | None = None) -> None:
        super().__init__()
        self.quit_app, self.window = quit_app, window
        self.signum: int | None = None
        self._steps = 0

    def on_signal(self, signum: int) -> None:
        """Stop any training (discarding it), save the settings, close the window and quit."""
        if self.signum is not None:  # already closing (a second Ctrl+C): the close is bounded anyway
            return
        self.signum = signum
        if self.window is not None:
            self.window.discard_training_on_close()  # before any dialog ends: a pending close obeys it
        self._step()

    def _step(self) -> None:
        modal = QApplication.activeModalWidget()
        if modal is not None and self._steps < MAX_STEPS:
            self._steps += 1
            if isinstance(modal, QDialog):
                modal.reject()
            else:
                modal.close()
            QTimer.singleShot(STEP_MS, self._step)
            return
        if self.window is not None and self.window.isVisible():
            self.window.discard_training_on_close()
            self.window.close()  # closeEvent: training stopped and discarded, geometry saved
        self.quit_app()


def one_blas_thread() -> bool:
    """Limit numpy's BLAS to one thread in this (the window's) process, unless the user set a count; True if done.

    The window's matrix products are small (a gallery page, a decoder map), and OpenBLAS's thread per
    core stalls them on a busy machine: measured at load 7 on 2 cores, a 12x12 decoder map took 50 ms
    instead of 1.1 ms (benchmarks/bench_blas.py). The variable reaches the BLAS libraries loaded later.
    """
    if any(os.environ.get(v) for v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")):
        return False
    os.environ["OPENBLAS_NUM_THREADS"] = "1"
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # an install without it: libraries loaded later still read the variable
        return False
    threadpool_limits(1, user_api="blas")
    return True


def skip_cuda_probe() -> None:
    """Keep pyqtgraph from loading CUDA's Python bindings when it is imported (0.2-0.6 s of the cold start).

    pyqtgraph imports ``cuda.bindings.runtime`` when it is installed (torch brings it) for a GPU path
    of its raw-image widget, which the window never uses; the window's process never runs torch (the
    training runs in a process of its own). ``None`` in ``sys.modules`` makes that import fail at once,
    which pyqtgraph expects. Only in the window's own process: never in ``latent3d.show()``.
    """
    if "cuda.bindings.runtime" not in sys.modules:
        sys.modules["cuda.bindings.runtime"] = None  # type: ignore[assignment]


def run_viewer(run_path: Path | None, data_dir: Path | None, view: ViewSpec | None = None,
               compare: Run | None = None) -> int:
    """Open the viewer window and run the Qt event loop.

    Parameters
    ----------
    run_path : Path or None
        The run folder to open; None opens the newest complete run.
    data_dir : Path or None
        Folder holding Fashion-MNIST (None: ``--data-dir`` resolution rules).
    view : ViewSpec, optional
        A view file's content, already checked against the run at ``run_path``: shown once the run is open.

    Returns
    -------
    int
        The exit status: 0 after a normal close or a SIGTERM, SIGHUP or SIGINT (which close
        the window as *Stop and close* does), 2 if the requested run cannot be opened.
    """
    one_blas_thread()  # this process is the window's own (not latent3d.show()'s guest in someone's session)
    skip_cuda_probe()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName("latent3d")
    app.setApplicationName("latent3d")
    bridge = SignalBridge()
    shutdown = WindowShutdown(QApplication.quit)
    bridge.received.connect(shutdown.on_signal)
    try:
        return _open_and_run(app, shutdown, run_path, data_dir, view, compare)
    finally:
        bridge.close()


def _open_and_run(app: QCoreApplication, shutdown: WindowShutdown, run_path: Path | None, data_dir: Path | None,
                  view: ViewSpec | None, compare: Run | None = None) -> int:
    path = run_path if run_path is not None else newest_run()
    run = None
    if path is not None:
        try:
            run = load_run(path)
        except RunError as exc:
            error_box(None, "latent3d: cannot open run", str(exc))
            return 2
    from latent3d.qt.main_window import MainWindow  # after QApplication (the view needs it) and a good run

    staged = None
    if run is not None and preview_supported():
        # The run's cloud first, drawn with plain VTK; pyvista, the panels and the run's views after that frame.
        window = MainWindow(data_dir=data_dir, first=run)
        shutdown.window = window
        window.show()
        staged = StagedBuild(window, lambda handover: show_first(window, run, handover, view, compare))
    else:
        window = MainWindow(data_dir=data_dir)
        shutdown.window = window
        window.show()
        if run is not None:
            show_first(window, run, Handover(), view, compare)
        else:
            info_box(
                window, "latent3d: no run yet",
                f"No complete run was found in {default_runs_dir()}. Train one with `python run.py train` "
                "(or `latent3d train`), or open a run folder with File → Open run….")
    if shutdown.signum is not None and not window.isVisible():  # closed for a signal before the loop ran
        return 0
    try:
        return int(app.exec())
    finally:
        if staged is not None:
            staged.join()


def event_loop_running() -> bool:
    """Whether a Qt event loop already runs: inside ``QApplication.exec()``, or IPython/Jupyter after ``%gui qt``."""
    if QThread.currentThread().loopLevel() > 0:
        return True
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None and hasattr(ipython, "get_ipython") else None
    return str(getattr(shell, "active_eventloop", None) or "").startswith("qt")


def show_window(run: Run | None, view: ViewSpec | None = None, *, block: bool | None = None) -> MainWindow:
    """Show the main window on ``run`` (and ``view``) for :func:`latent3d.show`; the one QApplication is reused.

    Parameters
    ----------
    run : Run or None
        A loaded run (None: an empty window).
    view : ViewSpec, optional
        Already checked against ``run``.
    block : bool, optional
        Run the event loop until the window closes (default: unless one already runs, see
        :func:`event_loop_running`). SIGTERM, SIGHUP and Ctrl+C close it meanwhile.

    Returns
    -------
    MainWindow
    """
    app = QApplication.instance() or QApplication(sys.argv[:1] or ["latent3d"])
    app.setOrganizationName("latent3d")
    app.setApplicationName("latent3d")
    from latent3d.qt.main_window import MainWindow

    window = MainWindow()
    window.show()
    if run is not None:
        window.files.show_run(run)
        if view is not None:
            window.files.apply_view(view)
    if block is False or (block is None and event_loop_running()):
        return window
    bridge = SignalBridge()
    shutdown = WindowShutdown(QApplication.quit, window)
    bridge.received.connect(shutdown.on_signal)
    try:
        app.exec()
    finally:
        bridge.close()
    return window
