"""The group's mean test BCE over every snapshot, as one more curve on the loss plot: when was *this* group learned?"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg

from latent3d.analysis.groups import mean_curve
from latent3d.state.model import connect_handlers

if TYPE_CHECKING:
    from latent3d.qt.widgets.step_plot import CurveHost
    from latent3d.state.groups import GroupsModel
    from latent3d.state.time import TimeModel

__all__ = ["GROUP_CURVE_COLOUR", "GroupCurve"]

GROUP_CURVE_COLOUR = "#ff5fd2"  # apart from the yellow test curve and the class colours


class GroupCurve:
    """Keeps one curve layer of ``plot`` showing the mean stored per-image test BCE of the group shown at each snapshot.

    Parameters
    ----------
    groups : GroupsModel
    time : TimeModel
        Its run's per-image test BCE and snapshot steps.
    plot : CurveHost
        The loss plot (the window's ``services.loss``): the curve is one of its curve layers, given in
        training steps, which the plot places on its time axis.
    """

    def __init__(self, groups: GroupsModel, time: TimeModel, plot: CurveHost) -> None:
        self.groups, self.time = groups, time
        self.layer = plot.add_curve("group", pg.mkPen(GROUP_CURVE_COLOUR, width=2.2), symbol="t", symbolSize=5,
                                    symbolBrush=GROUP_CURVE_COLOUR, symbolPen=None)
        self.curve = self.layer.item
        self._disconnect = [connect_handlers(m, self) for m in (time, groups)]
        self.redraw()

    @property
    def values(self) -> np.ndarray:
        """The drawn y values (one per snapshot; empty without a group)."""
        y = self.curve.yData
        return np.zeros(0) if y is None else np.asarray(y)

    def redraw(self, _value: object = None) -> None:
        """Set the curve from the models (in place); hidden without a non-empty group (``_value``: an event's)."""
        run, group = self.time.run, self.groups.group
        if run is None or group is None or not group.size:
            self.layer.clear()
            return
        self.layer.set_data(np.asarray(run.steps, np.float64), mean_curve(run.test_bce, group))

    _on_run = _on_groups = _on_shown = redraw

    def close(self) -> None:
        """Disconnect from the models and take the curve off the plot."""
        for disconnect in self._disconnect:
            disconnect()
        self.layer.remove()
