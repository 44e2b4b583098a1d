"""Retraining from the window: the Train… action, the progress strip, and the live run shown as it grows."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from time import perf_counter
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox, QWidget

from latent3d.analysis.eta import TimeLeft
from latent3d.job.preflight import PreflightError, check_train
from latent3d.job.process import Progress, Snapshot, Started
from latent3d.job.train_job import TrainJob
from latent3d.qt.training.controller import LiveRun, TrainingController
from latent3d.qt.training.dialog import TrainDialog
from latent3d.qt.training.progress import TrainingProgress
from latent3d.qt.widgets.dialogs import error_box
from latent3d.runs import Run, RunError, default_runs_dir, load_run
from latent3d.state.camera import CameraModel
from latent3d.state.pick import PickModel
from latent3d.state.time import TimeModel

if TYPE_CHECKING:
    from latent3d.config.train import TrainConfig
    from latent3d.state.values import Camera

__all__ = ["LiveTraining"]


class LiveTraining(QObject):
    """The window's side of a training: owns the action, the dialog, the progress strip and the live run.

    The live run is shown through the models as it grows; the user keeps working on it (rotate, pick,
    slider, probe). While it trains the time model's ``follow`` is on: each new snapshot is shown and
    framed, until the user takes the camera (*frame the cloud* turns it on again); when the training
    ends, ``follow`` is back to what it was before.

    Parameters
    ----------
    time : TimeModel
        The run shown and its position; its ``follow`` is the strip's follow toggle.
    camera, pick : CameraModel, PickModel
        Remembered when a training starts and given back with the run before when it stops or fails.
    settings : QSettings
        The Train dialog's remembered values.
    parent : QWidget
        Parent of the dialogs and the action (the window).
    data_dir : Path or None
        Where the dataset is (None: the usual resolution).
    show_run : callable
        Shows a run afresh (new camera, no selection) - the first snapshot, a finished run, the run
        shown before a failed training.
    set_run : callable
        ``set_run(run, position=...)`` shows a longer version of the run shown, keeping the picks
        (the viewer model's ``set_run``).

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

    def __init__(self, time: TimeModel, camera: CameraModel, pick: PickModel, settings: QSettings, parent: QWidget, *,
                 data_dir: Path | None, show_run: Callable[[Run], None], set_run: Callable[..., None]) -> None:
        super().__init__(parent)
        self.time, self.camera, self.pick = time, camera, pick
        self.settings, self.parent_widget, self.data_dir = settings, parent, data_dir
        self.show_run, self.set_run = show_run, set_run
        self.controller = TrainingController(self)
        self.action = QAction("Train…", parent)
        self.action.setShortcut(QKeySequence("Ctrl+T"))
        self.action.setToolTip("Train a new run and watch its latent space form (Ctrl+T)")
        self.action.triggered.connect(self.show_dialog)
        self.progress = TrainingProgress(time)
        self.progress.stop_clicked.connect(self.stop)
        self._follow_before = time.follow  # what follow goes back to when the training ends
        self.dialog: TrainDialog | None = None
        self._config: TrainConfig | None = None
        self._live: LiveRun | None = None
        self._shown: Run | None = None
        self._previous: Run | None = None
        self._previous_view: tuple[Camera | None, int | None, float] = (None, None, 0.0)  # camera, selected, position
        self._n_batches = 0
        self._eta: TimeLeft | None = None
        self.clock = perf_counter  # what the time-left estimate is timed with (tests pass a fake one)
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
        time.events.follow.connect(self._on_follow)

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
            self.start(self.dialog.config(), self.dialog.target, self.dialog.dataset(), self.dialog.threads())

    def _on_dialog_finished(self, _result: int) -> None:
        self.dialog = None

    def start(self, config: TrainConfig, target: Path, dataset: str = "fashion-mnist",
              threads: int | None = None) -> None:
        """Train ``config`` on ``dataset`` into the run folder ``target`` in a child process (None threads: auto)."""
        if self.running:
            return
        self._config, self._live, self._shown, self._eta = config, None, None, None
        self._previous = self.time.run
        # the live run is framed and picked afresh: what the run before looked like comes back after a Stop
        self._previous_view = (self.camera.camera, self.pick.selected, self.time.position)
        job = TrainJob(config, Path(target), data_dir=self.data_dir, command="latent3d view: Train…",
                       dataset=dataset, threads=threads)
        try:  # the checks `train` makes: a full disk, a name being trained elsewhere, are refused now
            check_train(config, job.target, weights_dtype=job.weights_dtype, keep_encoder=job.keep_encoder)
        except PreflightError as exc:
            error_box(self.parent_widget, "Cannot start training", str(exc))
            return
        self.controller.start(job)
        self._follow_before, self.time.follow = self.time.follow, True  # each snapshot shown and framed as it comes
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

    def _on_snapshot(self, update: Snapshot) -> None:
        """A snapshot arrived (step 0 first, then the log-spaced steps of epoch 1, then each epoch end)."""
        if self._live is None:
            return
        snapshot = self._live.add(update)
        if self._shown is None or self.time.run is self._shown:  # else the user opened another run: leave it
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
        """The user moved the camera during a training: it stops following the snapshots until *frame the cloud*."""
        if self.running and self.time.follow:
            self.time.follow = False
            self.progress.offer_framing()

    def _on_follow(self, on: bool) -> None:
        run = self.time.run
        if on and self.running and run is not None and run is self._shown:  # following the training again
            self.time.position = float(run.n_snapshots - 1)  # its newest snapshot, not the one left behind

    def detach(self) -> None:
        """Stop following the time model (the window calls it when it closes)."""
        self.time.events.follow.disconnect(self._on_follow)
        self.progress.detach()

    def _grow(self, run: Run) -> None:
        """Show ``run``, a longer version of the run shown: selection, path, probe and camera direction stay.

        Following, the timeline moves to the newest snapshot and the camera frames it from the
        direction the user chose (the scene's follow); otherwise timeline and camera stay where they are.
        """
        old = self.time.run
        if old is None or len(old.labels) != len(run.labels):
            self.show_run(run)
            return
        self.set_run(run, position=float(len(run.codes) - 1) if self.time.follow else None)

    def _end_follow(self) -> None:
        """The training is over: ``follow`` is back to what it was before it (the user's own choice)."""
        self.progress.frame_button.setVisible(False)
        self.time.follow = self._follow_before

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
        if self._shown is not None and self.time.run is self._shown:
            self._grow(run)  # the last snapshot shown and framed, following
            self._end_follow()
        else:
            self._end_follow()
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
        """Back to the run shown before the training, with the camera, selection and position it had then."""
        previous = self._previous if self._shown is not None and self.time.run is self._shown else None
        camera, selected, position = self._previous_view
        self._end_follow()  # before the run: following would frame it, not give its camera back
        if previous is not None:
            self.show_run(previous)
            self.time.position = position
            if camera is not None:
                self.camera.camera = camera
            if selected is not None and selected < len(previous.labels):
                with contextlib.suppress(ValueError):  # its class hidden since: the model's rule wins
                    self.pick.selected = selected
        self._shown = None
