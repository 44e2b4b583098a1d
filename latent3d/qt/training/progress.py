"""The training's strip in the status bar: progress bar, Stop, follow, and one elided line of numbers."""

from __future__ import annotations

import math
import time

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QProgressBar, QPushButton, QSizePolicy, QWidget
from superqt import QElidingLabel

from latent3d.qt.widgets.dialogs import plain_tooltip
from latent3d.state.time import TimeModel

__all__ = ["TrainingProgress"]

UPDATE_INTERVAL_S = 0.5  # the progress strip repaints at most twice a second


def _duration(seconds: float) -> str:
    s = max(0, int(round(seconds)))
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


class _StatusText(QElidingLabel):
    """One line that takes the room left in the strip and elides what does not fit; the whole text is its tooltip."""

    def __init__(self) -> None:
        super().__init__()
        self.setTextFormat(Qt.TextFormat.PlainText)  # it names the run, which the user typed
        # Ignored: the text's length never widens the strip nor pushes the widgets beside it.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt's name
        """Show ``text``, elided to the label's width (:meth:`text` gives it whole)."""
        self.setToolTip(plain_tooltip(text))
        super().setText(text)

    def text_shown(self) -> str:
        """The (possibly elided) text on screen."""
        return QLabel.text(self)


class TrainingProgress(QWidget):
    """Status-bar strip: progress bar, Stop, a follow toggle and ``epoch · time left · batch · loss``.

    Parameters
    ----------
    time : TimeModel
        Its ``follow`` is what the follow toggle shows and sets (the window's *Follow the snapshot*).
    parent : QWidget, optional
    """

    stop_clicked = Signal()

    def __init__(self, time: TimeModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.time = time
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
        self.follow.setToolTip("Move to each new snapshot as it arrives and frame it (View → Follow the snapshot)")
        self.follow.toggled.connect(lambda on: setattr(time, "follow", on))
        self.frame_button = QPushButton("frame the cloud")
        self.frame_button.setToolTip("You moved the camera, so it stopped framing the growing cloud: follow it again")
        self.frame_button.setVisible(False)
        self.frame_button.clicked.connect(lambda: setattr(time, "follow", True))
        self.stop_button = QPushButton("Stop")
        self.stop_button.setToolTip("Stop training; the unfinished run is discarded")
        self.stop_button.clicked.connect(self.stop_clicked)
        self._shown_at = -math.inf
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        for w in (self.bar, self.stop_button, self.follow, self.frame_button, self.closing):
            layout.addWidget(w)
        layout.addWidget(self.label, 1)
        time.events.follow.connect(self._on_follow)
        self._on_follow(time.follow)
        self.hide()

    def _on_follow(self, on: bool) -> None:
        with QSignalBlocker(self.follow):
            self.follow.setChecked(on)
        if on:
            self.frame_button.setVisible(False)  # following again: nothing left to ask for

    def offer_framing(self) -> None:
        """Show *frame the cloud*: the user took the camera, which stopped following the snapshots."""
        self.frame_button.setVisible(True)

    def detach(self) -> None:
        """Stop showing the time model's follow (the window calls it when it closes)."""
        self.time.events.follow.disconnect(self._on_follow)

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
