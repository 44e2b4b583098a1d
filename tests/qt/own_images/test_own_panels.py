"""The decoder-map and own-image panels built from a bare ViewerModel's models: they display and set them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QPoint, Qt

from latent3d.analysis.encoder import encode_at_snapshots
from latent3d.qt.decoder_map.panel import DecoderMapPanel
from latent3d.qt.own_images.panel import OwnImagePanel, placement_note
from latent3d.runs import load_run
from latent3d.state.map_plane import map_image
from latent3d.state.own_values import DecoderMapState, OwnImage
from latent3d.state.viewer_model import ViewerModel


@pytest.fixture
def model(synthetic_run: Path) -> ViewerModel:
    s = ViewerModel()
    s.set_run(load_run(synthetic_run))
    return s


def test_map_panel_shows_the_states_map_and_sets_it(qtbot, model: ViewerModel, tmp_path: Path) -> None:  # noqa: ANN001
    target = tmp_path / "map.png"
    errors: list[str] = []
    panel = DecoderMapPanel(model.time, model.camera, model.pick, model.layers, ask_path=lambda: target,
                            error=errors.append)
    qtbot.addWidget(panel)
    assert panel.image is None and not panel.export.isEnabled()
    panel.toggle.setChecked(True)
    assert model.layers.decoder_map == DecoderMapState("camera", 12, 0.6)
    placed = map_image(model.time, model.camera, model.pick, model.layers.decoder_map)
    assert placed is not None and panel.image is not None and np.array_equal(panel.image, placed[1])
    panel.grid.setValue(5)
    assert (model.layers.decoder_map is not None and model.layers.decoder_map.grid == 5
            and panel.image.shape == (140, 140))
    model.layers.decoder_map = DecoderMapState("xz", 7, 0.3)  # from elsewhere (a view file): the controls follow
    assert panel.plane.currentData() == "xz" and panel.grid.value() == 7 and panel.opacity.value() == 30
    before = panel.image.copy()
    model.time.position = 0
    assert not np.array_equal(before, panel.image)  # it follows the timeline
    assert panel.export_png() == target and not errors
    with Image.open(target) as im:
        assert im.size == (7 * 28 * 4, 7 * 28 * 4)
    panel._ask_path = lambda: tmp_path / "missing-folder" / "m.png"
    assert panel.export_png() is None and len(errors) == 1 and errors[0].endswith(".")
    model.layers.toggle_decoder_map()
    assert not panel.toggle.isChecked() and panel.image is None


def test_own_panel_draws_places_lists_and_removes(qtbot, model: ViewerModel, tmp_path: Path) -> None:  # noqa: ANN001
    errors: list[str] = []
    bad = tmp_path / "bad.png"
    bad.write_text("no image")
    panel = OwnImagePanel(model.time, model.pick, model.layers, ask_file=lambda: bad, error=errors.append)
    qtbot.addWidget(panel)
    panel.place_drawing()
    assert errors and "empty" in errors[-1] and model.layers.own_images == ()
    qtbot.mousePress(panel.canvas, Qt.MouseButton.LeftButton, pos=QPoint(14 * 8 + 3, 5 * 8 + 3))
    qtbot.mouseMove(panel.canvas, QPoint(14 * 8 + 3, 22 * 8 + 3))
    qtbot.mouseRelease(panel.canvas, Qt.MouseButton.LeftButton, pos=QPoint(14 * 8 + 3, 22 * 8 + 3))
    assert panel.canvas.pixels[5:23, 14].min() == 1.0 and panel.canvas.pixels[:, 0].max() == 0.0
    panel.place_drawing()
    assert len(model.layers.own_images) == 1 and panel.list.count() == 1
    image = model.layers.own_images[0]
    assert np.array_equal(image.as_float().reshape(28, 28), np.round(panel.canvas.pixels * 255) / 255)
    own = encode_at_snapshots(model.time.run, image.as_float())  # type: ignore[arg-type]
    assert panel.reconstruction.image is not None and not panel.nearest_buttons[0].isHidden()
    assert "every one of the" in panel.note.text()
    n_before = len(errors)
    panel.open_file()  # a bad file: one sentence, nothing else changes (read in a worker thread)
    qtbot.waitUntil(lambda: len(errors) == n_before + 1, timeout=10000)
    assert "not a PNG or JPEG" in errors[-1] and len(model.layers.own_images) == 1
    good = np.zeros((50, 30), np.uint8)
    good[5:45, 5:25] = 255
    Image.fromarray(good).save(tmp_path / "good.png")
    panel._ask_file = lambda: tmp_path / "good.png"
    panel.open_file()
    qtbot.waitUntil(lambda: len(model.layers.own_images) == 2, timeout=10000)
    assert [im.name for im in model.layers.own_images] == ["drawing 1", "good"] and panel.list.currentRow() == 1
    panel.nearest_buttons[0].click()
    assert model.pick.selected == panel._nearest[0]
    panel.remove(0)
    assert [im.name for im in model.layers.own_images] == ["good"] and panel.list.count() == 1
    assert len(own.snapshots) == model.time.run.n_snapshots  # type: ignore[union-attr]


def test_own_panel_switches_each_images_trail(qtbot, model: ViewerModel) -> None:  # noqa: ANN001
    """Issue 32 item 4: a checkbox per image sets its trail in the layers model, and follows the model."""
    panel = OwnImagePanel(model.time, model.pick, model.layers)
    qtbot.addWidget(panel)
    model.layers.add_own_image(OwnImage.from_array("one", np.linspace(0, 1, 784)))
    model.layers.add_own_image(OwnImage.from_array("two", np.linspace(1, 0, 784)))
    assert [b.isChecked() for b in panel.trail_boxes] == [True, True]
    panel.trail_boxes[1].setChecked(False)
    assert [im.trail for im in model.layers.own_images] == [True, False]
    model.layers.set_own_trail(0, False)  # from elsewhere (a view file): the boxes follow
    assert [b.isChecked() for b in panel.trail_boxes] == [False, False]
    panel.detach()


def test_placement_note_for_each_kind_of_run() -> None:
    from latent3d.analysis.encoder import OwnCodes

    steps = np.array([0, 10, 20, 30])
    assert "only the final encoder" in placement_note(OwnCodes(np.array([3]), np.zeros((1, 3))), steps)
    assert "2 of its 4" in placement_note(OwnCodes(np.array([0, 3]), np.zeros((2, 3))), steps)
    assert "no encoder" in placement_note(OwnCodes(np.array([], np.int64), np.zeros((0, 3))), steps)
    assert OwnImage.from_array("n", np.ones(784)).as_float().min() == 1.0


def test_window_m_key_and_own_images(qtbot, window) -> None:  # noqa: ANN001
    keys = {a.shortcut().toString(): a for a in window.actions()}
    assert "M" in keys and keys["M"] is window.parts["decoder map"]["action"]
    window.activateWindow()
    if window.isActiveWindow():
        qtbot.keyClick(window, Qt.Key.Key_M)
    else:  # a bare Xvfb may never activate the window: trigger what the key is bound to
        window.parts["decoder map"]["action"].trigger()
    assert window.model.layers.decoder_map is not None and window.parts["decoder map"]["layer"].visible
    assert window.parts["decoder map"]["action"].isChecked() and window.parts["decoder map"]["panel"].toggle.isChecked()
    window.parts["decoder map"]["panel"].toggle.setChecked(False)  # the panel and the toolbar button follow one state
    assert window.model.layers.decoder_map is None and not window.parts["decoder map"]["action"].isChecked()
    window.model.layers.add_own_image(OwnImage.from_array("x", np.ones(784)))
    layer, panel = window.parts["own images"]["layer"], window.parts["own images"]["panel"]
    assert layer.markers.shape == (1, 3) and panel.list.count() == 1
    assert layer.cache is panel.cache  # encoded once for both


def test_map_panel_waits_for_the_camera_to_settle(qtbot, model: ViewerModel) -> None:  # noqa: ANN001
    from latent3d.state.values import Camera

    panel = DecoderMapPanel(model.time, model.camera, model.pick, model.layers)
    qtbot.addWidget(panel)
    model.camera.camera = Camera((5.0, 0.0, 0.0), (0.0, 0.0, 0.0), (0.0, 0.0, 1.0))
    model.layers.decoder_map = DecoderMapState("camera", 6, 0.6)
    first = panel.image.copy() if panel.image is not None else None
    model.camera.camera = Camera((0.0, 5.0, 0.0), (0.0, 0.0, 0.0), (0.0, 0.0, 1.0))
    assert first is not None and np.array_equal(panel.image, first)  # not decoded at every camera move
    qtbot.waitUntil(lambda: not np.array_equal(panel.image, first), timeout=3000)
    placed = map_image(model.time, model.camera, model.pick, model.layers.decoder_map)
    assert placed is not None and np.array_equal(panel.image, placed[1])
