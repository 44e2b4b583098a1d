"""The class legend from a bare ViewerModel: its checks are a view of the display model's hidden classes."""

from __future__ import annotations

from PySide6.QtCore import Qt

from latent3d.data.datasets import CLASS_NAMES
from latent3d.qt.display.legend import ClassLegend
from latent3d.scene.core.look import CLASS_COLORS
from latent3d.state.viewer_model import ViewerModel


def _unchecked(legend: ClassLegend) -> set[int]:
    return {c for c in range(legend.count()) if legend.item(c).checkState() == Qt.CheckState.Unchecked}


def test_the_checks_show_the_hidden_classes_and_a_click_writes_them(qtbot) -> None:  # noqa: ANN001
    display = ViewerModel().display
    display.hidden_classes = {4}
    legend = ClassLegend(CLASS_NAMES, CLASS_COLORS, display=display)
    qtbot.addWidget(legend)
    assert _unchecked(legend) == {4}  # what the model held before the legend was made
    display.hidden_classes = {2, 7}
    assert _unchecked(legend) == {2, 7}
    toggled: list[tuple[int, bool]] = []
    legend.class_toggled.connect(lambda c, on: toggled.append((c, on)))
    legend.set_checked(3, False)  # as a click on the box
    assert display.hidden_classes == {2, 3, 7} and toggled == [(3, False)]
    display.set_class_visible(2, True)  # another view changed the model: no click is reported
    assert _unchecked(legend) == {3, 7} and toggled == [(3, False)]
    legend.close_legend()
    display.hidden_classes = frozenset()
    assert _unchecked(legend) == {3, 7}  # closed: it no longer follows the model


def test_the_rows_take_the_runs_class_names(qtbot, synthetic_run) -> None:  # noqa: ANN001
    import dataclasses

    from latent3d.runs import load_run

    model = ViewerModel()
    legend = ClassLegend(CLASS_NAMES, CLASS_COLORS, display=model.display, time=model.time)
    qtbot.addWidget(legend)
    run = load_run(synthetic_run)
    names = [f"<b>c{c}</b>" for c in range(10)]
    model.set_run(dataclasses.replace(run, meta={**run.meta, "dataset": {"class_names": names}}))
    assert [legend.item(c).text() for c in range(10)] == [f"{c}  {n}" for c, n in enumerate(names)]
    legend.close_legend()
