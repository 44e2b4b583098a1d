"""The step-plot base from a bare time model: curve layers given in steps follow the time axis; cursors."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest

from latent3d.qt.widgets.step_plot import StepPlot
from latent3d.state.viewer_model import ViewerModel


def test_a_curve_layer_is_placed_on_the_time_axis_and_can_be_taken_off(qtbot) -> None:  # noqa: ANN001
    time = ViewerModel().time
    plot = StepPlot(time)
    qtbot.addWidget(plot)
    plot.legend = pg.LegendItem()
    plot.listen(time)  # as a subclass does once its own curves are in
    layer = plot.add_curve("mine", "#ff5fd2", symbol="t")
    assert not layer.item.isVisible() and [label.text for _s, label in plot.legend.items] == ["mine"]
    steps = np.array([0.0, 9.0, 99.0])
    layer.set_data(steps, np.array([1.0, 2.0, 3.0]))
    assert layer.item.isVisible()
    np.testing.assert_allclose(layer.item.xData, np.log10(1.0 + steps))
    time.time_axis = "linear"
    np.testing.assert_allclose(layer.item.xData, steps)  # placed again by the plot, not by its owner
    layer.clear()
    assert not layer.item.isVisible()
    layer.remove()
    assert layer.item not in plot.plot.items and plot.legend.items == [] and plot.layers == []
    plot.close_plot()


def test_cursors_are_seek_show_or_none(qtbot) -> None:  # noqa: ANN001
    time = ViewerModel().time
    seek, show, none = StepPlot(time), StepPlot(time, cursor="show"), StepPlot(time, cursor=None)
    for p in (seek, show, none):
        qtbot.addWidget(p)
        p.listen(time)
    assert seek.position_line is not None and seek.position_line.movable
    assert show.position_line is not None and not show.position_line.movable
    assert none.position_line is None
    with pytest.raises(ValueError, match="Unknown cursor"):
        StepPlot(time, cursor="drag")
