"""The alignment and comparison widgets, each from a bare ViewerModel: switch, menu actions, linked view, curve."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtWidgets import QMessageBox, QWidget

from latent3d.qt.compare.controls import AgreementPlot, AlignSwitch, CompareActions, ResidualLabel
from latent3d.qt.compare.view import CompareView
from latent3d.runs import Run, load_run
from latent3d.state.viewer_model import ViewerModel
from tests.support.scene_fixtures import make_run


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    root = tmp_path_factory.mktemp("cmp-qt")
    return (make_run(root / "a", n=500, epochs=3, seed=0), make_run(root / "b", n=500, epochs=3, seed=0),
            make_run(root / "few", n=40, epochs=3, seed=2))


def _model(path: Path) -> ViewerModel:
    model = ViewerModel()
    model.set_run(load_run(path))
    return model


def test_align_switch_sets_and_follows_the_model(qtbot, pair) -> None:  # noqa: ANN001
    compare = _model(pair[0]).compare
    switch = AlignSwitch(compare)
    qtbot.addWidget(switch)
    assert not switch.check.isChecked() and not switch.target.isEnabled()
    switch.check.setChecked(True)
    assert compare.align == "final"
    switch.target.setCurrentIndex(1)
    assert compare.align == "previous"
    compare.align = "none"
    assert not switch.check.isChecked()


def _close_boxes(parent: QWidget) -> list[str]:
    texts = []
    for box in parent.findChildren(QMessageBox):
        texts.append(box.text())
        box.close()
    return texts


def test_compare_with_a_hostile_or_unrelated_run_is_one_sentence_and_keeps_the_view(qtbot, pair,  # noqa: ANN001
                                                                                   tmp_path: Path) -> None:
    a, b, few = pair
    model = _model(a)
    compare = model.compare
    parent = QWidget()
    qtbot.addWidget(parent)
    actions = CompareActions(compare, model.time, parent)
    assert not actions.stop_action.isEnabled()
    assert actions.compare_with(b) and compare.other is not None and actions.stop_action.isEnabled()
    shown = compare.other
    hostile = tmp_path / "hostile"
    hostile.mkdir()
    (hostile / "run.json").write_text('{"format_version": 2, "status": "complete"')
    assert not actions.compare_with(hostile)
    assert compare.other is shown and model.time.run is not None and model.time.run.path == a
    assert actions.last_error is not None and str(hostile) in actions.last_error
    assert not actions.compare_with(few)
    assert "at least 100" in (actions.last_error or "") and compare.other is shown
    texts = _close_boxes(parent)
    assert len(texts) == 2 and all("Traceback" not in t for t in texts)
    label = ResidualLabel(compare, model.time)
    qtbot.addWidget(label)
    assert label.text().startswith("compared: b · aligned: ") and "% residual" in label.text()
    actions.overlay_action.setChecked(True)
    assert compare.overlay
    actions.stop_action.trigger()
    assert compare.other is None and not actions.overlay_action.isChecked() and label.isHidden()
    label.close()


def test_linked_view_shows_the_run_and_a_pick_there_selects_everywhere(qtbot, pair) -> None:  # noqa: ANN001
    a, b, _ = pair
    model = _model(a)
    holder = QWidget()  # as in the window: a child of the view area, hidden until a run is compared
    qtbot.addWidget(holder)
    view = CompareView(model.time, model.compare, model.display, model.pick, model.camera, holder)
    holder.resize(400, 300)
    view.resize(400, 300)
    holder.show()
    assert view.isHidden()  # nothing compared yet
    model.compare.other = load_run(b)
    qtbot.waitExposed(view)
    assert view.isVisible() and "residual" in view.caption
    scene = view.view.scene
    view.view.render()
    depth = [scene.display_position(i)[2] for i in range(scene.n_points)]
    i = int(np.argmin(depth))
    x, y, _ = scene.display_position(i)
    assert view.view.click(int(round(x)), int(round(y))) == i
    assert model.pick.selected == i and scene.selected == i
    model.compare.overlay = True
    assert view.isHidden()
    view.close()


def test_agreement_curve_over_training(qtbot, pair) -> None:  # noqa: ANN001
    a, b, _ = pair
    model = _model(a)
    plot = AgreementPlot(model.compare, model.time)
    qtbot.addWidget(plot)
    assert plot.values is None
    other: Run = load_run(b)
    model.compare.other = other
    assert plot.values is None  # hidden (another tab): nothing computed yet
    plot.show()
    qtbot.waitExposed(plot)
    assert plot.values is not None and len(plot.values) == model.time.run.n_snapshots
    np.testing.assert_allclose(plot.values, 1.0)  # the same codes: every neighbour shared
    xs, ys = plot.curve.getData()
    assert len(xs) == len(ys) == model.time.run.n_snapshots
    model.time.position = 1.0
    assert plot.position_line.value() == pytest.approx(np.log10(1 + model.time.step))
    model.compare.other = None
    assert plot.values is None


def test_the_probe_decodes_the_same_image_with_alignment_on_and_off(qtbot, pair) -> None:  # noqa: ANN001
    from latent3d.data.images import load_test_images
    from latent3d.qt.inspect.image_panel import ImagePanel
    from latent3d.qt.inspect.selection_view import SelectionDisplay
    from latent3d.qt.widgets.image_view import to_uint8
    from latent3d.state.neighbours import Neighbours

    state = _model(pair[0])
    state.time.position = 1.0
    panel = ImagePanel()
    qtbot.addWidget(panel)
    neighbours = Neighbours(state.time)
    display = SelectionDisplay(state.pick, state.time, state.compare, panel, load_test_images(None),
                               neighbours)
    state.pick.probe = state.time.run.codes[1, 42]  # the probe on test image 42
    off = panel.probe.left.image.copy()
    state.compare.align = "final"  # the point is drawn elsewhere now, and the probe moves with it
    assert not np.allclose(state.pick.probe, state.time.run.codes[1, 42], atol=1e-3)
    np.testing.assert_array_equal(panel.probe.left.image, off)
    np.testing.assert_array_equal(off, to_uint8(state.time.run.decoder(1)(state.time.run.codes[1, 42])[0]))
    assert "#42" in panel.probe.right_caption.text()  # and the nearest code is still its own
    display.close()
    neighbours.close()


def test_the_linked_view_colours_by_learned_at_too(qtbot, pair) -> None:  # noqa: ANN001
    a, b, _ = pair
    model = _model(a)
    holder = QWidget()
    qtbot.addWidget(holder)
    view = CompareView(model.time, model.compare, model.display, model.pick, model.camera, holder)
    holder.show()
    model.display.color = "learned"  # chosen before a run is compared: the compared run's steps are needed
    model.compare.other = load_run(b)
    assert view.presenter.colours.bar.GetTitle().startswith("learned")  # coloured, not an error in the emit
    model.time.position = 1.0
    assert view.presenter.colours.bar.GetTitle().startswith("learned")
    view.close()


def test_a_shorter_second_run_is_said_to_have_ended_and_its_curve_stops(qtbot, pair, tmp_path: Path) -> None:  # noqa: ANN001
    """Issue 32 defect 6: a shorter run's last snapshot stood in, unsaid, for every later epoch, its curve ran on."""
    a, _, _ = pair
    short = make_run(tmp_path / "short", n=500, epochs=1, seed=0)
    model = _model(a)
    holder = QWidget()
    qtbot.addWidget(holder)
    view = CompareView(model.time, model.compare, model.display, model.pick, model.camera, holder)
    holder.resize(400, 300)
    view.resize(400, 300)
    holder.show()
    plot = AgreementPlot(model.compare, model.time)
    qtbot.addWidget(plot)
    plot.show()
    model.compare.other = load_run(short)
    qtbot.waitExposed(plot)
    model.time.position = 0.0
    assert "ended" not in view.caption
    model.time.position = float(model.time.run.n_snapshots - 1)  # epoch 3 of the first run: the second ended at 1
    assert "ended at epoch 1" in view.caption
    _xs, ys = plot.curve.getData()
    epochs = np.asarray(model.time.run.steps, np.float64) / model.time.run.steps_per_epoch
    assert np.isfinite(ys[epochs <= 1]).all() and np.isnan(ys[epochs > 1]).all()
    view.close()
