"""The group's mean test BCE over every snapshot, as one more curve on the loss plot: when was *this* group learned?"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from latent3d.analysis.groups import mean_curve
from latent3d.state.timeline import step_to_axis
from latent3d.state.viewer_state import ViewerState, connect_handlers

__all__ = ["GROUP_CURVE_COLOUR", "GroupCurve"]

GROUP_CURVE_COLOUR = "#ff5fd2"  # apart from the yellow test curve and the class colours


class GroupCurve:
    """Keeps one curve on ``plot`` showing the mean stored per-image test BCE of the state's group at each snapshot.

    Parameters
    ----------
    state : ViewerState
    plot : pyqtgraph.PlotItem
        The loss panel's plot (``LossPanel.plot``); its x axis is the training step on the state's time axis.
    legend : pyqtgraph.LegendItem, optional
        Where the curve is named.
    """

    def __init__(self, state: ViewerState, plot: pg.PlotItem, legend: pg.LegendItem | None = None) -> None:
        self.state = state
        self.curve = plot.plot(pen=pg.mkPen(GROUP_CURVE_COLOUR, width=2.2), symbol="t", symbolSize=5,
                               symbolBrush=GROUP_CURVE_COLOUR, symbolPen=None)
        if legend is not None:
            legend.addItem(self.curve, "group")
        self._disconnect = connect_handlers(state.events, self)
        self.redraw()

    def _on_run(self, _run: object) -> None:
        self.redraw()

    def _on_groups(self, _groups: object) -> None:
        self.redraw()

    def _on_group_shown(self, _name: object) -> None:
        self.redraw()

    def _on_time_axis(self, _axis: str) -> None:
        self.redraw()

    @property
    def values(self) -> np.ndarray:
        """The drawn y values (one per snapshot; empty without a group)."""
        y = self.curve.yData
        return np.zeros(0) if y is None else np.asarray(y)

    def redraw(self) -> None:
        """Set the curve from the state (in place, with ``setData``); hidden without a non-empty group."""
        run, group = self.state.run, self.state.group
        if run is None or group is None or not group.size:
            self.curve.setData([], [])
            self.curve.setVisible(False)
            return
        x = step_to_axis(np.asarray(run.steps, np.float64), self.state.time_axis)
        self.curve.setData(x, mean_curve(run.test_bce, group))
        self.curve.setVisible(True)

    def close(self) -> None:
        """Disconnect from the state."""
        self._disconnect()
