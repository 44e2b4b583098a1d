"""Step axes read in steps (no SI prefix, no jammed labels) and empty plots span the run, not a guess."""

from __future__ import annotations

from pathlib import Path

import pytest

from latent3d.qt.widgets.step_plot import CHAR_PX, StepAxis, StepPlot
from latent3d.runs import Run, load_run
from latent3d.state.timeline import axis_to_step
from latent3d.state.viewer_model import ViewerModel
from tests.support.scene_fixtures import make_run


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Run, Run]:
    d: Path = tmp_path_factory.mktemp("axes")
    return load_run(make_run(d / "a", n=300, epochs=3)), load_run(make_run(d / "b", n=300, epochs=3))


@pytest.mark.parametrize("hi", [0.5, 3.0, 18_760.0])
def test_a_linear_step_axis_has_no_si_prefix(qtbot, hi: float) -> None:  # noqa: ANN001
    time = ViewerModel().time
    time.time_axis = "linear"
    plot = StepPlot(time)
    qtbot.addWidget(plot)
    plot.plot.setLabel("bottom", "training step")
    plot.plot.setXRange(0.0, hi, padding=0)
    plot.resize(400, 200)
    plot.show()
    qtbot.wait(10)
    axis = plot.plot.getAxis("bottom")
    assert axis.labelString().count("(") == 0 and axis.autoSIPrefixScale == 1.0, axis.labelString()
    plot.close_plot()


@pytest.mark.parametrize("px", [60, 120, 400])
def test_log_step_labels_never_run_together(qtbot, px: int) -> None:  # noqa: ANN001
    axis = StepAxis()
    lo, hi = 0.0, 4.3  # steps 0 .. 20,000
    (_spacing, values), = axis.tickValues(lo, hi, px)
    labels = axis.tickStrings(values, 1.0, 1.0)
    assert labels[0] == "0" and len(values) >= 2
    at = [(v - lo) / (hi - lo) * px for v in values]
    for (a, la), (b, lb) in zip(zip(at, labels), zip(at[1:], labels[1:])):
        assert b - a >= CHAR_PX * (len(la) + len(lb)) / 2, f"{la!r} and {lb!r} {b - a:.0f} px apart at {px} px"


def test_the_agreement_plot_spans_the_run_when_nothing_is_compared(qtbot, runs) -> None:  # noqa: ANN001
    from latent3d.qt.compare.controls import AgreementPlot

    model = ViewerModel()
    model.set_run(runs[0])
    plot = AgreementPlot(model.compare, model.time)
    qtbot.addWidget(plot)
    plot.resize(500, 250)
    plot.show()
    last = float(runs[0].steps[-1])
    for other in (None, runs[1], None):  # never compared, comparing, after Stop comparing
        model.compare.other = other
        qtbot.wait(10)
        lo, hi = (axis_to_step(v, "log") for v in plot.plot.viewRange()[0])
        assert -1.0 <= lo <= 1.0 and last <= hi <= 2 * last, (other, lo, hi)  # not out to 200,000 steps
    plot.close_plot()


def test_the_group_histogram_without_a_group_shows_the_classes_and_no_negative_counts(qtbot, runs) -> None:  # noqa: ANN001
    from latent3d.qt.groups.panel import GroupPanel

    model = ViewerModel()
    model.set_run(runs[0])
    panel = GroupPanel(model.groups, model.time, model.pick, None)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.wait(10)
    (x0, x1), (y0, y1) = panel.histogram.getPlotItem().viewRange()
    assert -1.0 <= x0 < 0 and 9 < x1 <= 10 and y0 == 0.0 and 0 < y1 <= 1.0
    model.groups.select_points([1, 2, 3, 4])
    qtbot.wait(10)
    (_x0, _x1), (y0, y1) = panel.histogram.getPlotItem().viewRange()
    assert y0 >= 0.0 and y1 >= 1.0
    panel.close_panel()
