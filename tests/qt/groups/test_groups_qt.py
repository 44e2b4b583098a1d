"""The group widgets from a bare ViewerModel: panel, gallery, loss-plot curve, toolbar and box/lasso in a real view."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from latent3d.analysis.groups import class_counts
from latent3d.runs import Run, load_run
from latent3d.state.groups import DEFAULT_GROUP, TrailsState
from latent3d.state.viewer_model import ViewerModel


@pytest.fixture
def run(synthetic_run: Path) -> Run:
    return load_run(synthetic_run)


@pytest.fixture
def model(run: Run) -> ViewerModel:
    m = ViewerModel()
    m.set_run(run)
    return m


@pytest.fixture
def panel(qtbot, model: ViewerModel):  # noqa: ANN001, ANN201
    from latent3d.qt.groups.panel import GroupPanel

    images = (np.arange(len(model.time.run.labels) * 784) % 251).astype(np.uint8).reshape(-1, 28, 28)
    p = GroupPanel(model.groups, model.time, model.pick, images)
    qtbot.addWidget(p)
    p.resize(360, 600)
    p.show()
    qtbot.waitExposed(p)
    yield p
    p.close_panel()


def test_panel_shows_count_histogram_error_and_a_gallery_page(panel, model: ViewerModel, run: Run) -> None:  # noqa: ANN001
    assert "No group" in panel.summary.text()
    model.groups.select_points(range(0, 200, 2))
    g = model.groups.group
    assert "100 of 2,000" in panel.summary.text()
    assert f"{run.test_bce[model.time.snapshot, g].mean():.4f}" in panel.summary.text()
    np.testing.assert_array_equal(panel.bars.opts["height"], class_counts(run.labels, g))
    assert panel.gallery.count == 48 and panel.page_indices.tolist() == g[:48].tolist()
    assert panel.n_pages == 3
    panel.next_button.click()
    assert panel.page == 1 and panel.page_indices.tolist() == g[48:96].tolist()
    panel.set_page(99)
    assert panel.page == 2 and panel.gallery.count == 4
    assert panel.names.currentText() == DEFAULT_GROUP


def test_gallery_click_makes_the_single_pick(panel, model: ViewerModel, qtbot) -> None:  # noqa: ANN001
    from PySide6.QtCore import Qt

    model.groups.select_points([5, 9, 11])
    centre = panel.gallery.cell(1).center()
    qtbot.mouseClick(panel.gallery, Qt.MouseButton.LeftButton, pos=centre)
    assert model.pick.selected == 9
    assert panel.gallery.current == 1


def test_gallery_reconstructions_follow_the_snapshot(panel, model: ViewerModel, run: Run) -> None:  # noqa: ANN001
    model.groups.select_points([3])
    model.time.position = 0
    first = panel.gallery.images[0].copy()
    model.time.position = run.n_snapshots - 1
    assert not np.array_equal(panel.gallery.images[0], first)


def test_panel_without_images_shows_reconstructions_only(qtbot, model: ViewerModel) -> None:  # noqa: ANN001
    from latent3d.qt.groups.panel import GroupPanel

    p = GroupPanel(model.groups, model.time, model.pick, None)
    qtbot.addWidget(p)
    model.groups.select_points([1, 2])
    assert p.gallery.originals == [None, None] and p.gallery.count == 2
    p.close_panel()


def test_panel_export_and_worst_and_choosing_a_name(panel, model: ViewerModel, run: Run, tmp_path: Path) -> None:  # noqa: ANN001
    groups = model.groups
    groups.set_group("mine", [4, 8])
    groups.select_points([1, 2, 3])
    panel._on_name_chosen(panel.names.findText("mine"))
    assert groups.shown == "mine"
    assert panel.export(tmp_path / "g.csv", "csv") == 2
    rows = list(csv.reader(open(tmp_path / "g.csv", newline="")))
    assert [r[0] for r in rows[1:]] == ["4", "8"]
    assert panel.export(tmp_path / "g.npy", "npy") == 2
    panel.worst_n.setValue(7)
    panel.worst_button.click()
    assert groups.group.size == 7
    panel._on_name_chosen(0)
    assert groups.shown is None
    groups.select_points([9, 10])
    panel.keep_as("kept")
    assert groups.shown == "kept" and groups.groups["kept"].tolist() == [9, 10]
    assert panel.names.currentText() == "kept"
    panel.forget_button.click()
    assert "kept" not in groups.groups and groups.shown is None


def test_group_curve_is_the_mean_of_the_stored_per_image_bce(qtbot, model: ViewerModel, run: Run) -> None:  # noqa: ANN001
    from latent3d.qt.groups.curve import GroupCurve
    from latent3d.qt.loss.panel import LossPanel

    lp = LossPanel(model.time, model.display)
    qtbot.addWidget(lp)
    curve = GroupCurve(model.groups, model.time, lp)
    assert not curve.curve.isVisible()
    model.groups.select_points([10, 20, 30, 40])
    np.testing.assert_allclose(curve.values, run.test_bce[:, [10, 20, 30, 40]].astype(np.float64).mean(axis=1))
    log_x = np.asarray(curve.curve.xData).copy()
    model.time.time_axis = "linear"
    np.testing.assert_allclose(curve.curve.xData, run.steps)
    assert not np.allclose(log_x, run.steps)
    curve.close()


@pytest.fixture
def view(qtbot, model: ViewerModel):  # noqa: ANN001, ANN201
    from latent3d.qt.canvas.view import LatentView
    from latent3d.scene.core.presenter import ScenePresenter

    v = LatentView()
    qtbot.addWidget(v)
    v.resize(400, 300)
    v.show()
    qtbot.waitExposed(v)
    m = model
    presenter = ScenePresenter(m.time, m.camera, m.pick, m.display, m.compare, v.scene, v.request_render)
    presenter._on_run(model.time.run)
    v.ren_win.Render()
    yield v
    presenter.close()
    v.close()


def test_toolbar_box_drag_selects_and_modifiers_add_and_remove(qtbot, model: ViewerModel, view) -> None:  # noqa: ANN001
    from latent3d.qt.groups.tools import GroupToolbar, SelectionTool

    groups = model.groups
    tool = SelectionTool(groups, view)
    bar = GroupToolbar(groups, tool)
    qtbot.addWidget(bar)
    style = view.iren.interactor.GetInteractorStyle()
    bar.box_action.trigger()
    assert tool.mode == "box" and view.iren.interactor.GetInteractorStyle() is not style
    w, h = view.ren_win.GetSize()
    iren = view.iren.interactor

    def drag(x0: int, y0: int, x1: int, y1: int, shift: int = 0, ctrl: int = 0) -> None:
        iren.SetEventInformation(x0, y0, ctrl, shift)
        iren.InvokeEvent("LeftButtonPressEvent")
        iren.SetEventInformation((x0 + x1) // 2, (y0 + y1) // 2, ctrl, shift)
        iren.InvokeEvent("MouseMoveEvent")
        assert tool.overlay.visible
        iren.SetEventInformation(x1, y1, ctrl, shift)
        iren.InvokeEvent("LeftButtonReleaseEvent")

    drag(0, 0, w // 2, h)  # the left half of the view
    left = groups.group.copy()
    assert left.size > 0 and not tool.overlay.visible
    xy = np.array([view.scene.display_position(int(i))[:2] for i in left])
    assert (xy[:, 0] <= w // 2 + 10).all()  # points drawn in the region (a disc may reach in from its edge)
    drag(w // 2, 0, w, h, shift=1)
    assert groups.group.size > left.size
    from latent3d.scene.groups.region import select_region

    right = select_region(view.scene, np.array([[w // 2, 0], [w, h]]))
    drag(w // 2, 0, w, h, ctrl=1)
    np.testing.assert_array_equal(groups.group, np.setdiff1d(left, right))  # points on the border were in both
    bar.leave_action.trigger()
    assert tool.mode is None and view.iren.interactor.GetInteractorStyle() is style
    bar.isolate_action.trigger()
    assert groups.mode == "isolate"
    groups.mode = "highlight"
    assert not bar.isolate_action.isChecked()
    bar.trails_action.trigger()
    assert groups.trails == TrailsState(DEFAULT_GROUP, 10)
    bar.length.setValue(4)
    assert groups.trails.length == 4
    bar.trails_action.trigger()
    assert groups.trails is None
    tool.close()
    bar.close_toolbar()


def test_lasso_and_a_click_in_lasso_mode(qtbot, model: ViewerModel, view) -> None:  # noqa: ANN001
    from latent3d.qt.groups.tools import SelectionTool

    tool = SelectionTool(model.groups, view)
    tool.set_mode("lasso")
    w, h = view.ren_win.GetSize()
    got = tool.finish(np.array([[0, 0], [w, 0], [w, h]]))  # the lower-right triangle
    xy = np.array([view.scene.display_position(int(i))[:2] for i in got])
    assert got.size and (xy[:, 1] <= xy[:, 0] * h / w + 10).all()
    i = int(np.argmin([view.scene.display_position(k)[2] for k in range(view.scene.n_points)]))  # nearest the camera
    x, y, _ = view.scene.display_position(i)
    assert tool.finish(np.array([[x, y], [x + 1, y]])).tolist() == [i]  # a click selects the point under it
    tool.close()


def test_legend_menu_and_neighbours_button_ask_for_a_selection(qtbot) -> None:  # noqa: ANN001
    from latent3d.data.datasets import CLASS_NAMES
    from latent3d.qt.display.legend import ClassLegend
    from latent3d.qt.inspect.explore_panel import NeighboursBox
    from latent3d.scene.core.look import CLASS_COLORS

    legend = ClassLegend(CLASS_NAMES, CLASS_COLORS)
    qtbot.addWidget(legend)
    asked: list[tuple[int, str]] = []
    legend.class_selected.connect(lambda c, op: asked.append((c, op)))
    menu = legend.class_menu(3)
    for act in menu.actions():
        act.trigger()
    assert asked == [(3, "replace"), (3, "add"), (3, "remove")]
    box = NeighboursBox()
    qtbot.addWidget(box)
    assert not box.select_button.isEnabled()
    img = np.zeros(784, np.uint8)
    box.show_neighbours("near #1", [img, img], ["#5 a\n0.1", "#9 b\n0.2"], indices=[5, 9])
    with qtbot.waitSignal(box.select_requested, timeout=1000) as blocker:
        box.select_button.click()
    assert blocker.args == [[5, 9]]
    box.clear()
    assert not box.select_button.isEnabled()
