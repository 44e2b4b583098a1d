"""The timeline: a slider over training steps (log or linear time) with epoch ticks, play/pause, loop and speed.

It displays and sets the time model's ``position`` (a fractional snapshot index); playback advances
it at a number of snapshots per second, so the early snapshots of epoch 1 get as much screen time as
the epochs after it. Under the slider, a strip of tick layers: the epoch ends, and whatever a
feature adds with :meth:`Timeline.add_tick_layer` (the learning events).
"""

from __future__ import annotations

import time as clock

from PySide6.QtCore import QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QMouseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSlider,
    QStyle,
    QStyleOptionSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from latent3d.qt.timeline.ticks import EpochTicks, TickLayer, TickStrip
from latent3d.state.model import connect_handlers
from latent3d.state.time import TimeModel

__all__ = ["SLIDER_MAX", "JumpSlider", "Timeline"]

SLIDER_MAX = 10_000  # slider units along the axis
FRAME_MS = 33
SPEEDS = (1.0, 2.0, 4.0, 8.0, 16.0)  # snapshots per second


class JumpSlider(QSlider):
    """A slider whose groove, clicked, puts the handle under the cursor (and drags on from there), not a page on."""

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        """Jump to the clicked place on the groove, then let the slider start a drag of the handle there."""
        if event.button() == Qt.MouseButton.LeftButton:
            opt = QStyleOptionSlider()
            self.initStyleOption(opt)
            style = self.style()
            handle = style.subControlRect(QStyle.ComplexControl.CC_Slider, opt, QStyle.SubControl.SC_SliderHandle, self)
            if not handle.contains(event.position().toPoint()):
                groove = style.subControlRect(QStyle.ComplexControl.CC_Slider, opt,
                                              QStyle.SubControl.SC_SliderGroove, self)
                x = int(event.position().x() - groove.x() - handle.width() / 2)
                self.setValue(QStyle.sliderValueFromPosition(self.minimum(), self.maximum(), x,
                                                             groove.width() - handle.width()))
        super().mousePressEvent(event)


class Timeline(QWidget):
    """Slider, ticks and playback controls for ``time.position``.

    Parameters
    ----------
    time : TimeModel
        The run shown, the position it displays and sets, the time axis it spaces the steps by.
    parent : QWidget, optional
    """

    position_changed = Signal(float)
    playing_changed = Signal(bool)

    def __init__(self, time: TimeModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.time = time
        self._last_tick = 0.0
        self.play_button = QToolButton()
        self.play_button.setToolTip("Play / pause (Space)")
        self.play_button.setCheckable(True)
        self.play_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_MediaPlay))
        self.play_button.toggled.connect(self._on_play_toggled)
        self.slider = JumpSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, SLIDER_MAX)
        self.slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # arrow keys belong to the window's shortcuts
        self.slider.valueChanged.connect(self._on_slider_moved)
        self.slider.setToolTip("Drag or click to move through the snapshots (Left/Right: one snapshot, "
                               "PgUp/PgDown: one epoch, Home/End: first/last)")
        self.ticks = TickStrip(time)
        self.epoch_ticks = EpochTicks(self)
        self.ticks.add_layer(self.epoch_ticks)
        self.label = QLabel()
        self.label.setMinimumWidth(190)
        self.axis = QComboBox()
        self.axis.addItem("log time", "log")
        self.axis.addItem("linear time", "linear")
        self.axis.setToolTip(self._axis_tip())
        self.axis.currentIndexChanged.connect(lambda i: setattr(self.time, "time_axis", self.axis.itemData(i)))
        self.loop = QCheckBox("loop")
        self.loop.setChecked(True)
        self.loop.setToolTip("Play from the start again after the last snapshot")
        self.speed = QComboBox()
        for s in SPEEDS:
            self.speed.addItem(f"{s:g} snapshots/s", s)
        self.speed.setCurrentIndex(SPEEDS.index(4.0))
        self.speed.setToolTip("Playback speed")
        column = QVBoxLayout()
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.slider)
        column.addWidget(self.ticks)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        layout.addWidget(self.play_button)
        layout.addLayout(column, 1)
        for w in (self.label, self.axis, self.loop, self.speed):
            layout.addWidget(w)
        self._timer = QTimer(self)
        self._timer.setInterval(FRAME_MS)
        self._timer.timeout.connect(self._on_tick)
        self.key_actions = self._build_key_actions()
        self._disconnect = connect_handlers(time, self)
        self._on_run(time.run)

    def _build_key_actions(self) -> list[QAction]:
        """Home/End and PageUp/PageDown, live wherever the focus is in the window (the slider takes no focus)."""
        made = []
        for text, key, slot in (("First snapshot", "Home", lambda: self.go_to_end(-1)),
                                ("Last snapshot", "End", lambda: self.go_to_end(+1)),
                                ("One epoch later", "PgUp", lambda: self.jump_epochs(+1)),
                                ("One epoch earlier", "PgDown", lambda: self.jump_epochs(-1))):
            act = QAction(text, self)
            act.setShortcut(QKeySequence(key))
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            act.triggered.connect(slot)
            self.addAction(act)
            made.append(act)
        return made

    def _axis_tip(self) -> str:
        time = self.time.time
        share = ""
        if time is not None and time.last_step > time.steps_per_epoch:
            share = f" (epoch 1, where most learning happens, takes {time.epoch_share('log'):.0%} of the slider)"
        return f"Space training steps logarithmically{share} or linearly"

    @property
    def epochs(self) -> int:
        """Trained epochs of the run shown (whole epochs so far, for a run still training)."""
        return 0 if self.time.run is None else int(self.time.run.epochs)

    @property
    def planned_epochs(self) -> int:
        """The epochs the run was configured for (a live run's total, not the epochs done so far)."""
        return self.time.planned_epochs

    @property
    def last(self) -> int:
        """Index of the last snapshot."""
        return 0 if self.time.time is None else self.time.time.last

    @property
    def position(self) -> float:
        """The fractional snapshot index shown."""
        return self.time.position

    @property
    def playing(self) -> bool:
        """Whether playback is running."""
        return self._timer.isActive()

    def set_position(self, u: float) -> None:
        """Move to fractional snapshot index ``u``."""
        self.time.position = u

    def step(self, direction: int) -> None:
        """Go to the next (``+1``) or previous (``-1``) stored snapshot and pause."""
        self.pause()
        self.time.step_snapshot(direction)

    def go_to_end(self, direction: int) -> None:
        """Pause and go to the first (``-1``) or last (``+1``) snapshot."""
        self.pause()
        self.time.position = float(self.last) if direction > 0 else 0.0

    def jump_epochs(self, epochs: int) -> None:
        """Pause and move ``epochs`` epochs later (negative: earlier), clamped to the run."""
        self.pause()
        time = self.time.time
        if time is not None:
            self.time.seek_step(self.time.step + epochs * time.steps_per_epoch)

    def add_to_row(self, widget: QWidget) -> None:
        """Put ``widget`` at the end of the timeline's row (a control that changes what playback shows)."""
        row = self.layout()
        assert row is not None
        row.addWidget(widget)

    def add_tick_layer(self, layer: TickLayer) -> None:
        """Paint ``layer``'s ticks under the slider, above the epoch ticks (see :mod:`latent3d.qt.timeline.ticks`)."""
        self.ticks.add_layer(layer)

    def toggle_play(self) -> None:
        """Play if paused, pause if playing."""
        self.play_button.setChecked(not self.play_button.isChecked())

    def play(self) -> None:
        """Start playback (from 0 if at the end)."""
        self.play_button.setChecked(True)

    def pause(self) -> None:
        """Stop playback."""
        self.play_button.setChecked(False)

    def close_timeline(self) -> None:
        """Stop playback and stop following the time model."""
        self.pause()
        self._disconnect()

    # -- model -> widgets -----------------------------------------------------------------------

    def _on_run(self, _run: object) -> None:
        self.setEnabled(self.last > 0)
        if self.last == 0:
            self.pause()
        self.ticks.update()  # the steps' places on the axis changed
        self.axis.setToolTip(self._axis_tip())
        self._on_position(self.time.position)

    def _on_position(self, u: float) -> None:
        time = self.time.time
        if time is not None:
            with QSignalBlocker(self.slider):
                self.slider.setValue(int(round(time.fraction(u, self.time.time_axis) * SLIDER_MAX)))
            self.label.setText(f"{time.caption(u)} / {self.planned_epochs}")
        self.position_changed.emit(u)

    def _on_time_axis(self, axis: str) -> None:
        i = self.axis.findData(axis)
        if self.axis.currentIndex() != i:
            with QSignalBlocker(self.axis):
                self.axis.setCurrentIndex(i)
        self.ticks.update()
        self._on_position(self.time.position)

    # -- widgets -> model -----------------------------------------------------------------------

    def _on_slider_moved(self, value: int) -> None:
        time = self.time.time
        if time is not None:
            self.time.position = time.from_fraction(value / SLIDER_MAX, self.time.time_axis)

    def _on_play_toggled(self, on: bool) -> None:
        if on and self.last > 0:
            if self.time.position >= self.last:
                self.time.position = 0.0
            self._last_tick = clock.perf_counter()
            self._timer.start()
        else:
            self._timer.stop()
            if on:
                self.play_button.setChecked(False)
                return
        icon = QStyle.StandardPixmap.SP_MediaPause if on else QStyle.StandardPixmap.SP_MediaPlay
        self.play_button.setIcon(self.style().standardIcon(icon))
        self.playing_changed.emit(on)

    def _on_tick(self) -> None:
        now = clock.perf_counter()
        dt, self._last_tick = now - self._last_tick, now
        u = self.time.position + float(self.speed.currentData()) * min(dt, 0.25)
        if u >= self.last:
            if self.loop.isChecked():
                u = 0.0 if self.time.position >= self.last else float(self.last)
            else:
                u = float(self.last)
                self.pause()
        self.time.position = u
