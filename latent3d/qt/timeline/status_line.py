"""The status bar's permanent fields: the run shown, the position on the timeline and the losses there."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtWidgets import QLabel, QStatusBar

from latent3d.analysis.curves import BinnedLossAt
from latent3d.runs import Run
from latent3d.state.model import connect_handlers
from latent3d.state.time import TimeModel

__all__ = ["StatusLine"]


class StatusLine:
    """Three labels that display the time model: run name and size, step and epoch, training and test loss."""

    def __init__(self, time: TimeModel) -> None:
        self.time = time
        self._binned: tuple[Any, str, BinnedLossAt] | None = None  # (step losses, axis, their bins)
        self.run_label, self.position_label, self.loss_label = QLabel(), QLabel(), QLabel()
        self._disconnect = connect_handlers(time, self)

    def add_to(self, bar: QStatusBar) -> None:
        """Put the labels at the right of ``bar``."""
        for w in (self.run_label, self.position_label, self.loss_label):
            bar.addPermanentWidget(w)

    def _on_run(self, run: Run | None) -> None:
        if run is not None:
            self.run_label.setText(f"run <b>{html.escape(run.name)}</b> · {len(run.labels):,} test codes")

    def _on_position(self, _u: float) -> None:
        run, time = self.time.run, self.time.time
        if run is None or time is None:
            return
        s = self.time.snapshot
        self.position_label.setText(f"{time.caption(self.time.position)} / {self.time.planned_epochs}")
        if run.why_not("losses") is not None:  # a recording without per-sample losses: no zeros shown as a loss
            self.loss_label.setText(f"no losses recorded (step {time.steps[s]:,.0f})")
            return
        train = self._train_loss()
        test = float(run.snapshot_test_loss[s])
        self.loss_label.setText(f"train loss {train} · test loss {test:.4f} (step {time.steps[s]:,.0f})")

    def _on_time_axis(self, _axis: str) -> None:
        self._on_position(self.time.position)

    def _train_loss(self) -> str:
        """The training loss at the step shown, binned as the loss plot draws it (a version-1 run: epoch means)."""
        run, time = self.time.run, self.time.time
        assert run is not None and time is not None
        key = (run.step_loss, self.time.time_axis)
        if self._binned is None or self._binned[0] is not key[0] or self._binned[1] != key[1]:
            self._binned = (key[0], key[1], BinnedLossAt(run.step_loss, self.time.time_axis))
        value = self._binned[2](self.time.step)
        if value is None and (run.step_loss is None or len(run.step_loss) == 0):
            e = int(round(time.epoch_at(self.time.snapshot)))
            at_epoch_end = abs(time.epoch_at(self.time.snapshot) - e) < 1e-9
            value = float(run.train_loss[e - 1]) if at_epoch_end and 0 < e <= len(run.train_loss) else None
        return "–" if value is None else f"{value:.4f}"

    def close(self) -> None:
        """Stop following the time model."""
        self._disconnect()
