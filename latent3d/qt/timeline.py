"""The epoch timeline: a fractional slider over epochs 0..E with play/pause, loop and speed."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QSlider, QToolButton, QWidget

__all__ = ["Timeline", "STEPS_PER_EPOCH"]

STEPS_PER_EPOCH = 100
FRAME_MS = 33
SPEEDS = (0.25, 0.5, 1.0, 2.0, 4.0)  # epochs per second


class Timeline(QWidget):
    """Emits ``position_changed(t)`` with a fractional epoch whenever the slider moves or playback advances.

    Parameters
    ----------
    parent : QWidget, optional
    """

    position_changed = Signal(float)
    playing_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._epochs = 0
        self._last_tick = 0.0
        self.play_button = QToolButton()
        self.play_button.setText("▶")
        self.play_button.setToolTip("Play / pause (Space)")
        self.play_button.setCheckable(True)
        self.play_button.toggled.connect(self._on_play_toggled)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # arrow keys belong to the window's shortcuts
        self.slider.valueChanged.connect(self._on_value_changed)
        self.label = QLabel()
        self.label.setMinimumWidth(120)
        self.loop = QCheckBox("loop")
        self.loop.setChecked(True)
        self.speed = QComboBox()
        for s in SPEEDS:
            self.speed.addItem(f"{s:g} epoch/s", s)
        self.speed.setCurrentIndex(SPEEDS.index(1.0))
        self.speed.setToolTip("Playback speed")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        for w in (self.play_button, self.slider, self.label, self.loop, self.speed):
            layout.addWidget(w, 1 if w is self.slider else 0)
        self._timer = QTimer(self)
        self._timer.setInterval(FRAME_MS)
        self._timer.timeout.connect(self._on_tick)
        self.set_epochs(0)

    @property
    def epochs(self) -> int:
        """The last epoch E."""
        return self._epochs

    @property
    def position(self) -> float:
        """The fractional epoch shown."""
        return self.slider.value() / STEPS_PER_EPOCH

    @property
    def playing(self) -> bool:
        """Whether playback is running."""
        return self._timer.isActive()

    def set_epochs(self, epochs: int, position: float | None = None) -> None:
        """Span epochs ``0..epochs`` and jump to ``position`` (default: the last epoch)."""
        self.pause()
        self._epochs = int(epochs)
        self.slider.blockSignals(True)
        self.slider.setRange(0, self._epochs * STEPS_PER_EPOCH)
        self.slider.setPageStep(STEPS_PER_EPOCH)
        self.slider.setSingleStep(STEPS_PER_EPOCH // 10)
        self.slider.blockSignals(False)
        self.setEnabled(self._epochs > 0)
        self.set_position(self._epochs if position is None else position)
        self._update_label()

    def set_position(self, t: float) -> None:
        """Move to fractional epoch ``t`` (emits ``position_changed`` if it moved)."""
        self.slider.setValue(int(round(max(0.0, min(t, self._epochs)) * STEPS_PER_EPOCH)))

    def step(self, direction: int) -> None:
        """Go to the next (``+1``) or previous (``-1``) whole epoch and pause."""
        self.pause()
        t = self.position
        target = int(t) + 1 if direction > 0 else (int(t) - 1 if t == int(t) else int(t))
        self.set_position(target)

    def toggle_play(self) -> None:
        """Play if paused, pause if playing."""
        self.play_button.setChecked(not self.play_button.isChecked())

    def play(self) -> None:
        """Start playback (from 0 if at the end)."""
        self.play_button.setChecked(True)

    def pause(self) -> None:
        """Stop playback."""
        self.play_button.setChecked(False)

    def _on_play_toggled(self, on: bool) -> None:
        if on and self._epochs > 0:
            if self.slider.value() >= self.slider.maximum():
                self.set_position(0)
            self._last_tick = time.perf_counter()
            self._timer.start()
        else:
            self._timer.stop()
            if on:
                self.play_button.setChecked(False)
                return
        self.play_button.setText("⏸" if on else "▶")
        self.playing_changed.emit(on)

    def _on_tick(self) -> None:
        now = time.perf_counter()
        dt, self._last_tick = now - self._last_tick, now
        t = self.position + float(self.speed.currentData()) * min(dt, 0.25)
        if t >= self._epochs:
            if self.loop.isChecked():
                t = 0.0 if self.position >= self._epochs else float(self._epochs)
            else:
                t = float(self._epochs)
                self.pause()
        self.set_position(t)

    def _on_value_changed(self, _value: int) -> None:
        self._update_label()
        self.position_changed.emit(self.position)

    def _update_label(self) -> None:
        self.label.setText(f"epoch {self.position:5.2f} / {self._epochs}")
