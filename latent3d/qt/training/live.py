"""Retraining from the window: the Train… action, the progress strip, and the live run shown as it grows."""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from latent3d.analysis.eta import TimeLeft
from latent3d.job.preflight import PreflightError, check_train
from latent3d.job.process import Progress, SnapshotUpdate, Started
from latent3d.job.train_job import TrainJob
from latent3d.qt.training.controller import LiveRun, TrainingController
from latent3d.qt.training.dialog import TrainDialog
from latent3d.qt.widgets.dialogs import error_box, plain_tooltip
from latent3d.runs import Run, RunError, default_runs_dir, load_run
from latent3d.state.viewer_state import ViewerState

if TYPE_CHECKING:
    from latent3d.config.train import TrainConfig

__all__ = ["LiveTraining", "TrainingProgress"]

UPDATE_INTERVAL_S = 0.5  # the progress strip repaints at most twice a second


def _duration(seconds: float) -> str:
    s = max(0, int(round(seconds)))
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


class _StatusText(QLabel):
    """One line that takes the room left in the strip and elides what does not fit; the whole text is its tooltip."""

    def __init__(self) -> None:
        super().__init__()
        self._full = ""
        self.setTextFormat(Qt.TextFormat.PlainText)  # it names the run, which the user typed
        # Ignored: the text's length never widens the strip nor pushes the widgets beside it.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt's name
        """Show ``text``, elided to the label's width."""
        self._full = text
        self.setToolTip(plain_tooltip(text))
        self._elide()

    def text(self) -> str:
        """The whole text (what is on screen may be elided)."""
        return self._full

    def text_shown(self) -> str:
        """The (possibly elided) text on screen."""
        return super().text()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        """Elide again for the new width."""
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        width = self.contentsRect().width()
        super().setText(self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, width)
                        if width > 0 else self._full)


class TrainingProgress(QWidget):
    """Status-bar strip: progress bar, Stop, a follow toggle and ``epoch · time left · batch · loss``.

    Parameters
    ----------
    parent : QWidget, optional
    """

    stop_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bar = QProgressBar()
        self.bar.setFixedWidth(80)
        self.bar.setTextVisible(False)
        # Last in the row and elided: the buttons before it never move as the numbers change.
        self.label = _StatusText()
        # Short: the status bar is shared with the run's labels and the progress text needs the room.
        self.closing = QLabel("closes when done")
        self.closing.setToolTip("You chose Close when finished: the window will close when the training ends.")
        self.closing.setStyleSheet("color:#ffcc33")
        self.closing.setVisible(False)
        self.follow = QCheckBox("follow latest snapshot")
        self.follow.setChecked(True)
        self.follow.setToolTip("Move the cloud to each new snapshot as it arrives")
        self.frame_button = QPushButton("frame the cloud")
        self.frame_button.setToolTip("You moved the camera, so it stopped framing the growing cloud: follow it again")
        self.frame_button.setVisible(False)
        self.stop_button = QPushButton("Stop")
        self.stop_button.setToolTip("Stop training; the unfinished run is discarded")
        self.stop_button.clicked.connect(self.stop_clicked)
        self._shown_at = -math.inf
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        for w in (self.bar, self.stop_button, self.follow, self.frame_button, self.closing):
            layout.addWidget(w)
        layout.addWidget(self.label, 1)
        self.hide()

    def begin(self, text: str) -> None:
        """Show the strip in its starting state."""
        # Empty until the first numbers arrive: a busy bar animates, and with the view's OpenGL
        # widget in the window each frame of that composites the whole window (~12 ms of CPU
        # in software GL, 60 times a second, taken from the training on a 2-core machine).
        self.bar.setRange(0, 1)
        self.bar.setValue(0)
        self._shown_at = -math.inf
        self.label.setText(text)
        self.stop_button.setEnabled(True)
        self.show()

    def show_progress(self, epoch: int, epochs: int, batch: int, n_batches: int, loss: float | None,
                      seconds_left: float | None, force: bool = False) -> None:
        """Show where the training is; ``loss`` is the running training loss.

        At most every ``UPDATE_INTERVAL_S`` unless ``force``: every repaint composites the
        whole window (see :meth:`begin`) and progress arrives ~20 times a second.
        """
        now = time.monotonic()
        if not force and now - self._shown_at < UPDATE_INTERVAL_S:
            return
        self._shown_at = now
        # Most wanted first: a narrow strip elides the end of the line.
        parts = [f"epoch {epoch}/{epochs}"]
        if seconds_left is not None:
            parts.append(f"{_duration(seconds_left)} left")
        parts.append(f"batch {batch}/{n_batches}")
        if loss is not None:
            parts.append(f"loss {loss:.4f}")
        self.setUpdatesEnabled(False)  # one repaint for bar and label (setValue alone repaints at once)
        try:
            self.bar.setRange(0, epochs * n_batches)
            self.bar.setValue(min((epoch - 1) * n_batches + batch, epochs * n_batches))
            self.label.setText(" · ".join(parts))
        finally:
            self.setUpdatesEnabled(True)

    def set_stopping(self) -> None:
        """Show that a stop was asked for."""
        self.stop_button.setEnabled(False)
        self.label.setText("stopping…")

    def set_closing(self, on: bool) -> None:
        """Say (or stop saying) that the window closes when the training ends (*Close when finished*)."""
        self.closing.setVisible(on)


class LiveTraining(QObject):
    """The window's side of a training: owns the action, the dialog, the progress strip and the live run.

    The live run is shown through ``state`` as it grows; the user keeps working on it (rotate, pick,
    slider, probe).

    Parameters
    ----------
    state : ViewerState
    settings : QSettings
        The Train dialog's remembered values.
    parent : QWidget
        Parent of the dialogs and the action (the window).
    data_dir : Path or None
        Where the dataset is (None: the usual resolution).
    show_run : callable
        Shows a run afresh (new camera, no selection) - the first snapshot, a finished run, the run
        shown before a failed training.
    fit_camera : callable
        Frames the cloud again keeping the direction (when following the newest snapshot).

    Signals
    -------
    message(str, int)
        A short note for the status bar and how long to show it (ms).
    title(str)
        The window title during the training.
    close_requested()
        The training ended and the user chose *Close when finished*.
    """

    message = Signal(str, int)
    title = Signal(str)
    close_requested = Signal()

    def __init__(self, state: ViewerState, settings: QSettings, parent: QWidget, *, data_dir: Path | None,
                 show_run: Callable[[Run], None], fit_camera: Callable[[], None] = lambda: None) -> None:
        super().__init__(parent)
        self.state, self.settings, self.parent_widget, self.data_dir = state, settings, parent, data_dir
        self.show_run, self.fit_camera = show_run, fit_camera
        self.controller = TrainingController(self)
        self.action = QAction("Train…", parent)
        self.action.setShortcut(QKeySequence("Ctrl+T"))
        self.action.setToolTip("Train a new run and watch its latent space form (Ctrl+T)")
        self.action.triggered.connect(self.show_dialog)
        self.progress = TrainingProgress()
        self.progress.stop_clicked.connect(self.stop)
        self.progress.frame_button.clicked.connect(self._frame_again)
        self._camera_follows = True  # False once the user moved the camera during this training
        self.dialog: TrainDialog | None = None
        self._config: TrainConfig | None = None
        self._live: LiveRun | None = None
        self._shown: Run | None = None
        self._previous: Run | None = None
        self._n_batches = 0
        self._eta: TimeLeft | None = None
        self.clock = time.perf_counter  # what the time-left estimate is timed with (tests pass a fake one)
        self.close_when_done = False
        self.discard_on_close = False  # set when a signal closes the window: stop without asking
        c = self.controller
        c.running_changed.connect(self._on_running_changed)
        c.started.connect(self._on_started)
        c.progress.connect(self._on_progress)
        c.snapshot_received.connect(self._on_snapshot)
        c.finished.connect(self._on_finished)
        c.stopped.connect(self._on_stopped)
        c.failed.connect(self._on_failed)
        c.killed.connect(lambda sentence: self.message.emit(sentence, 15000))  # after stopped's note: replaces it

    @property
    def running(self) -> bool:
        """Whether a training is running."""
        return self.controller.running

    @property
    def close_when_done(self) -> bool:
        """Whether the window closes when the training ends (*Close when finished*); shown in the strip."""
        return self._close_when_done

    @close_when_done.setter
    def close_when_done(self, on: bool) -> None:
        self._close_when_done = bool(on)
        self.progress.set_closing(self._close_when_done)

    @property
    def live_run(self) -> Run | None:
        """The growing run last put on screen during this training, or None."""
        return self._shown

    # -- starting and stopping ------------------------------------------------------------------

    def show_dialog(self) -> TrainDialog | None:
        """Open the Train… dialog (window-modal, non-blocking); Start begins the training."""
        if self.running:
            return None
        self.dialog = TrainDialog(default_runs_dir(), self.parent_widget, self.settings)
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog.accepted.connect(self._on_dialog_accepted)
        self.dialog.finished.connect(self._on_dialog_finished)
        self.dialog.open()
        return self.dialog

    def _on_dialog_accepted(self) -> None:
        if self.dialog is not None:
            self.start(self.dialog.config(), self.dialog.target, self.dialog.dataset())

    def _on_dialog_finished(self, _result: int) -> None:
        self.dialog = None

    def start(self, config: TrainConfig, target: Path, dataset: str = "fashion-mnist") -> None:
        """Train ``config`` on ``dataset`` into the run folder ``target`` in a child process."""
        if self.running:
            return
        self._config, self._live, self._shown, self._eta = config, None, None, None
        self._camera_follows = True
        self.progress.frame_button.setVisible(False)
        self._previous = self.state.run
        job = TrainJob(config, Path(target), data_dir=self.data_dir, command="latent3d view: Train…",
                       dataset=dataset)
        try:  # the checks `train` makes: a full disk, a name being trained elsewhere, are refused now
            check_train(config, job.target, weights_dtype=job.weights_dtype, keep_encoder=job.keep_encoder)
        except PreflightError as exc:
            error_box(self.parent_widget, "Cannot start training", str(exc))
            return
        self.controller.start(job)
        self.progress.begin(f"starting training of {Path(target).name}…")

    def stop(self) -> None:
        """Stop the training (it ends within about a second; the unfinished run is discarded)."""
        if self.running:
            self.progress.set_stopping()
            self.controller.stop()

    def confirm_close(self) -> bool:
        """Ask what to do when the window closes during a training; True when it may close now.

        With :attr:`discard_on_close` set (SIGTERM, SIGHUP or Ctrl+C, see ``latent3d.qt.app``)
        nobody is asked: the training is stopped and discarded as by *Stop and close*.
        """
        if not self.running:
            return True
        choice = "stop" if self.discard_on_close else self.ask_on_close()
        if choice == "stop" or self.discard_on_close:  # the flag may have been set while the question was open
            self.controller.stop_and_wait()
            return True
        self.close_when_done = choice == "wait"
        return False

    def ask_on_close(self) -> str:
        """``"stop"``, ``"wait"`` (close when the training ends) or ``"cancel"``, from a question box."""
        box = QMessageBox(QMessageBox.Icon.Question, "Training in progress",
                          "A training is running. Stop it and close (the unfinished run is discarded), "
                          "or close when it ends?", parent=self.parent_widget)
        stop = box.addButton("Stop and close", QMessageBox.ButtonRole.DestructiveRole)
        wait = box.addButton("Close when finished", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Keep working", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        return "stop" if box.clickedButton() is stop else "wait" if box.clickedButton() is wait else "cancel"

    # -- messages from the training -------------------------------------------------------------

    def _on_running_changed(self, running: bool) -> None:
        self.action.setEnabled(not running)
        self.progress.setVisible(running)
        if not running and self.close_when_done:
            QTimer.singleShot(0, self.close_requested.emit)

    def _on_started(self, msg: Started) -> None:
        self._live = LiveRun(msg)
        self._n_batches = msg.n_batches
        epochs = self._config.epochs if self._config is not None else msg.config.epochs
        self._eta = TimeLeft(epochs * msg.n_batches, msg.n_batches)
        self.progress.begin(f"training {msg.target.name} on {msg.train_images:,} images ({msg.device})…")

    def _on_progress(self, msg: Progress) -> None:
        self._show_progress(msg.epoch, msg.batch, msg.loss)

    def _on_snapshot(self, update: SnapshotUpdate) -> None:
        """A snapshot arrived (step 0 first, then the log-spaced steps of epoch 1, then each epoch end)."""
        if self._live is None:
            return
        snapshot = self._live.add(update)
        if self._shown is None or self.state.run is self._shown:  # else the user opened another run: leave it
            if self._shown is None:
                self.show_run(snapshot)
            else:
                self._grow(snapshot)
            self._shown = snapshot
            total = self._config.epochs if self._config else snapshot.epochs
            self.title.emit(f"latent3d — {snapshot.name} (training: step {update.step:,}, "
                            f"epoch {update.epoch:.2f} of {total})")
        if update.step == 0:
            if self._eta is not None:
                self._eta.add(self.clock(), 0)  # the steps start now
        elif update.epoch_end:
            self._show_progress(int(round(update.epoch)), self._n_batches, update.train_loss, force=True)

    def user_moved_camera(self) -> None:
        """The user moved the camera during a training: it stops framing the cloud until *frame the cloud*."""
        if self.running and self._camera_follows:
            self._camera_follows = False
            self.progress.frame_button.setVisible(True)

    def _frame_again(self) -> None:
        self._camera_follows = True
        self.progress.frame_button.setVisible(False)
        self.fit_camera()

    def _grow(self, run: Run) -> None:
        """Show ``run``, a longer version of the run shown: selection, path, probe and camera direction stay.

        Following the newest snapshot, the timeline moves there and the camera refits the grown
        cloud from the direction the user chose; otherwise timeline and camera stay where they are.
        """
        old = self.state.run
        if old is None or len(old.labels) != len(run.labels):
            self.show_run(run)
            return
        follow = self.progress.follow.isChecked()
        self.state.set_run(run, position=float(len(run.codes) - 1) if follow else None)
        if follow and self._camera_follows:
            self.fit_camera()

    def _show_progress(self, epoch: int, batch: int, loss: float | None, force: bool = False) -> None:
        if self._config is None or not self._n_batches:
            return
        total = self._config.epochs * self._n_batches
        done = min((epoch - 1) * self._n_batches + batch, total)
        left = None
        if self._eta is not None:
            self._eta.add(self.clock(), done)
            left = self._eta.seconds_left()
        self.progress.show_progress(epoch, self._config.epochs, batch, self._n_batches, loss, left, force)

    def _on_finished(self, path: Path) -> None:
        try:
            run = load_run(path)
        except RunError as exc:
            self._restore_previous()
            error_box(self.parent_widget, "Training failed", str(exc))
            return
        if self._shown is not None and self.state.run is self._shown:
            self._grow(run)
        else:
            self.show_run(run)
        self._shown = None
        self.message.emit(f"Saved run {run.name}: {run.epochs} epochs, final test loss {run.test_loss[-1]:.4f}.",
                          10000)

    def _on_stopped(self) -> None:
        self._restore_previous()
        self.message.emit("Training stopped; the unfinished run was discarded.", 10000)

    def _on_failed(self, message: str) -> None:
        self._restore_previous()
        error_box(self.parent_widget, "Training failed", message)

    def _restore_previous(self) -> None:
        """Back to the run shown before the training; the camera and the selection stay as the user left them."""
        if self._shown is not None and self.state.run is self._shown and self._previous is not None:
            camera, selected = self.state.camera, self.state.selected
            self.show_run(self._previous)
            if camera is not None:
                self.state.camera = camera
            if selected is not None and selected < len(self._previous.labels):
                with contextlib.suppress(ValueError):  # its class hidden: the state's rule wins
                    self.state.selected = selected
        self._shown = None
