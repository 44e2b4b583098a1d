"""Alignment and comparison controls: the *Align snapshots* switch, Runs -> Compare with..., the agreement curve.

Each takes the compare model (the time model where it needs the run or the position; for opening runs,
a loader) and only sets or shows their fields.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtGui import QAction, QShowEvent
from PySide6.QtWidgets import QCheckBox, QComboBox, QFileDialog, QHBoxLayout, QLabel, QWidget

from latent3d.qt.widgets.dialogs import open_warning
from latent3d.qt.widgets.step_plot import StepPlot
from latent3d.runs import Run, RunError, load_run
from latent3d.scene.compare.presenter import compared_at, residual_text
from latent3d.state.model import connect_handlers

if TYPE_CHECKING:
    from latent3d.state.compare import CompareModel
    from latent3d.state.time import TimeModel

__all__ = ["AgreementPlot", "AlignSwitch", "CompareActions", "ResidualLabel"]

_TARGETS = (("final", "to final"), ("previous", "to next"))  # short: the switch sits in the timeline's row


class AlignSwitch(QWidget):
    """*Align snapshots* [x] to the final snapshot / to the next: the compare model's ``align``, in the timeline row."""

    def __init__(self, compare: CompareModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.compare = compare
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
        self._disconnect = connect_handlers(compare, self)
        self._on_align(compare.align)

    def _push(self, _value: object = None) -> None:
        self.compare.align = str(self.target.currentData()) if self.check.isChecked() else "none"

    def _on_align(self, mode: str) -> None:
        with QSignalBlocker(self.check), QSignalBlocker(self.target):
            self.check.setChecked(mode != "none")
            if mode != "none":
                self.target.setCurrentIndex([m for m, _ in _TARGETS].index(mode))
            self.target.setEnabled(mode != "none")


class CompareActions:
    """Runs -> *Compare with...*, *Stop comparing* and *Compared run as rings*, acting on the compare model.

    Parameters
    ----------
    compare : CompareModel
    time : TimeModel
        Comparing needs a run shown.
    parent : QWidget
        Parent of the folder and error dialogs.
    loader : callable
        Reads a run folder (``load_run``; tests pass their own).
    start_dir : callable, optional
        Where the folder dialog starts.
    """

    def __init__(self, compare: CompareModel, time: TimeModel, parent: QWidget,
                 loader: Callable[[Path], Run] = load_run, start_dir: Callable[[], str] = lambda: "") -> None:
        self.compare, self.time = compare, time
        self.parent, self.loader, self.start_dir = parent, loader, start_dir
        self.compare_action = QAction("Compare with…", parent)
        self.compare_action.setToolTip("Show a second run beside this one, aligned onto it")
        self.compare_action.triggered.connect(self.choose)
        self.stop_action = QAction("Stop comparing", parent)
        self.stop_action.triggered.connect(lambda: setattr(compare, "other", None))
        self.overlay_action = QAction("Compared run as rings in this view", parent, checkable=True)
        self.overlay_action.toggled.connect(lambda on: setattr(compare, "overlay", on))
        self.last_error: str | None = None
        self._disconnects = [connect_handlers(m, self) for m in (time, compare)]
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
            self.compare.other = self.loader(Path(path))
        except (RunError, ValueError) as exc:
            self.last_error = str(exc)
            open_warning(self.parent, "latent3d: cannot compare", self.last_error)
            return False
        self.last_error = None
        return True

    def _update(self, _value: object = None) -> None:
        on = self.compare.other is not None
        self.compare_action.setEnabled(self.time.run is not None)
        self.stop_action.setEnabled(on)
        self.overlay_action.setEnabled(on)
        with QSignalBlocker(self.overlay_action):
            self.overlay_action.setChecked(self.compare.overlay)

    _on_run = _on_other = _on_overlay = _update


class AgreementPlot(StepPlot):
    """The mean neighbour agreement (k = 10) of the two runs at every snapshot: when did they settle alike?

    A step plot whose cursor only shows the position (it does not seek).
    """

    FIXED_Y = True

    def __init__(self, compare: CompareModel, time: TimeModel, parent: QWidget | None = None) -> None:
        super().__init__(time, cursor="show", parent=parent)
        self.compare = compare
        self.plot.setMenuEnabled(True)
        self.plot.setLabel("left", "neighbours shared (k=10)")
        self.plot.setYRange(0.0, 1.0)
        self.plot.setMouseEnabled(x=False, y=False)
        self.curve = self.plot.plot([], [], pen=pg.mkPen("#7ccf7c", width=2), symbol="o", symbolSize=5)
        self.values: np.ndarray | None = None
        self._stale = False  # a comparison whose curve is not computed yet (the tab was hidden)
        self.listen(time, compare)
        self._on_other(compare.other)

    def _on_other(self, _run: object) -> None:
        run, comparison = self.time.run, self.compare.comparison
        if run is None or comparison is None:
            self.values, self._stale = None, False
            self.curve.setData([], [])
            self.fit_run_span()  # not the last comparison's range nor pyqtgraph's guess (out to 1,000,000 steps)
            self.plot.setTitle("Compare with a second run (Runs → Compare with…) to see when the two agree")
            return
        self._stale = True
        if self.isVisible():  # hidden (another tab): computed when shown, so Compare with… stays quick
            self._compute()

    def _compute(self) -> None:
        run, comparison, other = self.time.run, self.compare.comparison, self.compare.other
        if run is None or comparison is None or other is None:
            return
        self._stale = False
        self.values = comparison.agreement_curve(run.codes)  # ~40 sampled k-NN pairs; cached per snapshot
        self.plot.setTitle(f"Mean neighbour agreement with {html.escape(other.name)}")  # the title is HTML
        self.redraw()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        """Compute the curve if the comparison changed while the tab was hidden."""
        super().showEvent(event)
        if self._stale:
            self._compute()

    _on_run = _on_other

    def redraw(self) -> None:
        """The agreement at each snapshot, on the time axis."""
        run = self.time.run
        if run is None or self.values is None:
            return
        values, comparison = np.array(self.values, np.float64), self.compare.comparison
        if comparison is not None and len(comparison.epochs_a) == len(values):
            values[comparison.ended_mask()] = np.nan  # the second run had ended: no agreement to draw there
        self.curve.setData(self.x_of(run.steps), values, connect="finite")
        self.plot.enableAutoRange(axis="x")  # an empty plot had its x range fixed to the run's span
        self._on_position(self.time.position)


class ResidualLabel(QLabel):
    """``compared: RUN2 · aligned: 4.3 % residual`` for the status bar (the overlay mode has no linked view)."""

    def __init__(self, compare: CompareModel, time: TimeModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.compare, self.time = compare, time
        self.setTextFormat(Qt.TextFormat.PlainText)  # a run's name is text from a folder
        self._disconnects = [connect_handlers(m, self) for m in (time, compare)]
        self._update()

    def _update(self, _value: object = None) -> None:
        other, at = self.compare.other, compared_at(self.time, self.compare)
        self.setVisible(other is not None and at is not None)
        if other is not None and at is not None:
            self.setText(f"compared: {other.name} · {residual_text(at.residual)}")

    _on_run = _on_other = _on_position = _on_align = _update

    def close(self) -> bool:
        """Stop following the models."""
        for disconnect in self._disconnects:
            disconnect()
        return super().close()
