"""Alignment and comparison controls: the *Align snapshots* switch, Runs -> Compare with..., the agreement curve.

Each takes the :class:`ViewerState` (and, for opening runs, a loader) and only sets or shows its fields.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from latent3d.qt.loss.panel import StepAxis
from latent3d.qt.widgets.dialogs import open_warning
from latent3d.runs import Run, RunError, load_run
from latent3d.scene.compare.presenter import compared_at, residual_text
from latent3d.state.timeline import step_to_axis
from latent3d.state.viewer_state import ViewerState, connect_handlers

__all__ = ["AgreementPlot", "AlignSwitch", "CompareActions", "ResidualLabel"]

_TARGETS = (("final", "to final"), ("previous", "to next"))  # short: the switch sits in the timeline's row



class AlignSwitch(QWidget):
    """*Align snapshots* [x] to the final snapshot / to the next: the state's ``align``, in the timeline's row."""

    def __init__(self, state: ViewerState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.check = QCheckBox("align")
        self.check.setToolTip("Align snapshots: map each one onto the final snapshot (or chained onto the next) by "
                              "rotation, reflection, uniform scale and shift, so that what moves is learning")
        self.target = QComboBox()
        for mode, label in _TARGETS:
            self.target.addItem(label, mode)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.check)
        layout.addWidget(self.target)
        self.check.toggled.connect(self._push)
        self.target.currentIndexChanged.connect(self._push)
        self._disconnect = connect_handlers(state.events, self)
        self._on_align(state.align)

    def _push(self, _value: object = None) -> None:
        self.state.align = str(self.target.currentData()) if self.check.isChecked() else "none"

    def _on_align(self, mode: str) -> None:
        self.check.blockSignals(True)
        self.target.blockSignals(True)
        self.check.setChecked(mode != "none")
        if mode != "none":
            self.target.setCurrentIndex([m for m, _ in _TARGETS].index(mode))
        self.target.setEnabled(mode != "none")
        self.check.blockSignals(False)
        self.target.blockSignals(False)


class CompareActions:
    """Runs -> *Compare with...*, *Stop comparing* and *Compared run as rings*, acting on the state.

    Parameters
    ----------
    state : ViewerState
    parent : QWidget
        Parent of the folder and error dialogs.
    loader : callable
        Reads a run folder (``load_run``; tests pass their own).
    start_dir : callable, optional
        Where the folder dialog starts.
    """

    def __init__(self, state: ViewerState, parent: QWidget, loader: Callable[[Path], Run] = load_run,
                 start_dir: Callable[[], str] = lambda: "") -> None:
        self.state, self.parent, self.loader, self.start_dir = state, parent, loader, start_dir
        self.compare_action = QAction("Compare with…", parent)
        self.compare_action.setToolTip("Show a second run beside this one, aligned onto it")
        self.compare_action.triggered.connect(self.choose)
        self.stop_action = QAction("Stop comparing", parent)
        self.stop_action.triggered.connect(lambda: state.set_compare(None))
        self.overlay_action = QAction("Compared run as rings in this view", parent, checkable=True)
        self.overlay_action.toggled.connect(lambda on: setattr(state, "compare_overlay", on))
        self.last_error: str | None = None
        self._disconnect = connect_handlers(state.events, self)
        self._update()

    def actions(self) -> list[QAction]:
        """For the Runs menu."""
        return [self.compare_action, self.stop_action, self.overlay_action]

    def choose(self) -> None:
        """Ask for a run folder and compare with it."""
        folder = QFileDialog.getExistingDirectory(self.parent, "Compare with run", self.start_dir())
        if folder:
            self.compare_with(Path(folder))

    def compare_with(self, path: Path) -> bool:
        """Compare with the run at ``path``; on any problem one sentence in a dialog, and the view stays as it was."""
        try:
            self.state.set_compare(self.loader(Path(path)))
        except (RunError, ValueError) as exc:
            self.last_error = str(exc)
            open_warning(self.parent, "latent3d: cannot compare", self.last_error)
            return False
        self.last_error = None
        return True

    def _update(self, _value: object = None) -> None:
        on = self.state.compare is not None
        self.compare_action.setEnabled(self.state.run is not None)
        self.stop_action.setEnabled(on)
        self.overlay_action.setEnabled(on)
        self.overlay_action.blockSignals(True)
        self.overlay_action.setChecked(self.state.compare_overlay)
        self.overlay_action.blockSignals(False)

    _on_run = _on_compare = _on_compare_overlay = _update


class AgreementPlot(QWidget):
    """The mean neighbour agreement (k = 10) of the two runs at every snapshot: when did they settle alike?"""

    def __init__(self, state: ViewerState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.axis = StepAxis()
        self.plot = pg.PlotWidget(axisItems={"bottom": self.axis}, background="#1e2127")
        self.plot.setLabel("left", "neighbours shared (k=10)")
        self.plot.setYRange(0.0, 1.0)
        self.plot.setMouseEnabled(x=False, y=False)
        self.curve = self.plot.plot([], [], pen=pg.mkPen("#7ccf7c", width=2), symbol="o", symbolSize=5)
        self.position_line = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen("#ffcc33", width=1.5))
        self.plot.addItem(self.position_line)
        self.values: np.ndarray | None = None
        self._stale = False  # a comparison whose curve is not computed yet (the tab was hidden)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)
        self._disconnect = connect_handlers(state.events, self)
        self._on_compare(state.compare)

    def _on_compare(self, _run: object) -> None:
        run, comparison = self.state.run, self.state.comparison
        if run is None or comparison is None:
            self.values, self._stale = None, False
            self.curve.setData([], [])
            self.plot.setTitle("Compare with a second run (Runs → Compare with…) to see when the two agree")
            return
        self._stale = True
        if self.isVisible():  # hidden (another tab): computed when shown, so Compare with… stays quick
            self._compute()

    def _compute(self) -> None:
        run, comparison, other = self.state.run, self.state.comparison, self.state.compare
        if run is None or comparison is None or other is None:
            return
        self._stale = False
        self.values = comparison.agreement_curve(run.codes)  # ~40 sampled k-NN pairs; cached per snapshot
        self.plot.setTitle(f"Mean neighbour agreement with {html.escape(other.name)}")  # the title is HTML
        self._draw()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        """Compute the curve if the comparison changed while the tab was hidden."""
        super().showEvent(event)
        if self._stale:
            self._compute()

    _on_run = _on_compare

    def _draw(self) -> None:
        run = self.state.run
        if run is None or self.values is None:
            return
        self.axis.mode = self.state.time_axis
        self.curve.setData(step_to_axis(run.steps, self.state.time_axis), self.values)
        self._on_position(self.state.position)

    def _on_time_axis(self, _axis: str) -> None:
        self._draw()

    def _on_position(self, u: float) -> None:
        time = self.state.time
        if time is not None:
            self.position_line.setValue(step_to_axis(np.array([time.step_at(u)]), self.state.time_axis)[0])


class ResidualLabel(QLabel):
    """``compared: RUN2 · aligned: 4.3 % residual`` for the status bar (the overlay mode has no linked view)."""

    def __init__(self, state: ViewerState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.setTextFormat(Qt.TextFormat.PlainText)  # a run's name is text from a folder
        self._disconnect = connect_handlers(state.events, self)
        self._update()

    def _update(self, _value: object = None) -> None:
        other, at = self.state.compare, compared_at(self.state)
        self.setVisible(other is not None and at is not None)
        if other is not None and at is not None:
            self.setText(f"compared: {other.name} · {residual_text(at.residual)}")

    _on_run = _on_compare = _on_position = _on_align = _update

    def close(self) -> bool:
        """Stop following the state."""
        self._disconnect()
        return super().close()
