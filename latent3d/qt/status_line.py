"""The status bar's permanent fields: the run shown, the position on the timeline and the losses there."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QLabel, QStatusBar

from latent3d.runs import Run
from latent3d.state.viewer_state import ViewerState, connect_handlers

__all__ = ["StatusLine"]


class StatusLine:
    """Three labels that display the state: run name and size, step and epoch, training and test loss."""

    def __init__(self, state: ViewerState) -> None:
        self.state = state
        self.run_label, self.position_label, self.loss_label = QLabel(), QLabel(), QLabel()
        self._disconnect = connect_handlers(state.events, self)

    def add_to(self, bar: QStatusBar) -> None:
        """Put the labels at the right of ``bar``."""
        for w in (self.run_label, self.position_label, self.loss_label):
            bar.addPermanentWidget(w)

    def _on_run(self, run: Run | None) -> None:
        if run is not None:
            self.run_label.setText(f"run <b>{html.escape(run.name)}</b> · {len(run.labels):,} test codes")

    def _on_position(self, _u: float) -> None:
        run, time = self.state.run, self.state.time
        if run is None or time is None:
            return
        s = self.state.snapshot
        self.position_label.setText(f"{time.caption(self.state.position)} / {self.state.planned_epochs}")
        e = int(round(time.epoch_at(s)))
        at_epoch_end = abs(time.epoch_at(s) - e) < 1e-9
        train = f"{run.train_loss[e - 1]:.4f}" if at_epoch_end and 0 < e <= len(run.train_loss) else "–"
        test = float(run.snapshot_test_loss[s])
        self.loss_label.setText(f"train loss {train} · test loss {test:.4f} (step {time.steps[s]:,.0f})")

    def close(self) -> None:
        """Stop following the state."""
        self._disconnect()
