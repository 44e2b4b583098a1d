"""The decoder-map and own-image panels built from a bare ViewerState: they display and set the state."""

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
from latent3d.state.viewer_state import ViewerState


@pytest.fixture
def state(synthetic_run: Path) -> ViewerState:
    s = ViewerState()
    s.set_run(load_run(synthetic_run))
    return s


def test_map_panel_shows_the_states_map_and_sets_it(qtbot, state: ViewerState, tmp_path: Path) -> None:  # noqa: ANN001
    target = tmp_path / "map.png"
    errors: list[str] = []
    panel = DecoderMapPanel(state, ask_path=lambda: target, error=errors.append)
    qtbot.addWidget(panel)
    assert panel.image is None and not panel.export.isEnabled()
    panel.toggle.setChecked(True)
    assert state.decoder_map == DecoderMapState("camera", 12, 0.6)
    placed = map_image(state, state.decoder_map)
    assert placed is not None and panel.image is not None and np.array_equal(panel.image, placed[1])
    panel.grid.setValue(5)
    assert state.decoder_map is not None and state.decoder_map.grid == 5 and panel.image.shape == (140, 140)
    state.decoder_map = DecoderMapState("xz", 7, 0.3)  # from elsewhere (a view file): the controls follow
    assert panel.plane.currentData() == "xz" and panel.grid.value() == 7 and panel.opacity.value() == 30
    before = panel.image.copy()
    state.position = 0
    assert not np.array_equal(before, panel.image)  # it follows the timeline
    assert panel.export_png() == target and not errors
    with Image.open(target) as im:
        assert im.size == (7 * 28 * 4, 7 * 28 * 4)
    panel._ask_path = lambda: tmp_path / "missing-folder" / "m.png"
    assert panel.export_png() is None and len(errors) == 1 and errors[0].endswith(".")
    state.toggle_decoder_map()
    assert not panel.toggle.isChecked() and panel.image is None


def test_own_panel_draws_places_lists_and_removes(qtbot, state: ViewerState, tmp_path: Path) -> None:  # noqa: ANN001
    errors: list[str] = []
    bad = tmp_path / "bad.png"
    bad.write_text("no image")
    panel = OwnImagePanel(state, ask_file=lambda: bad, error=errors.append)
    qtbot.addWidget(panel)
    panel.place_drawing()
    assert errors and "empty" in errors[-1] and state.own_images == ()
    qtbot.mousePress(panel.canvas, Qt.MouseButton.LeftButton, pos=QPoint(14 * 8 + 3, 5 * 8 + 3))
    qtbot.mouseMove(panel.canvas, QPoint(14 * 8 + 3, 22 * 8 + 3))
    qtbot.mouseRelease(panel.canvas, Qt.MouseButton.LeftButton, pos=QPoint(14 * 8 + 3, 22 * 8 + 3))
    assert panel.canvas.pixels[5:23, 14].min() == 1.0 and panel.canvas.pixels[:, 0].max() == 0.0
    panel.place_drawing()
    assert len(state.own_images) == 1 and panel.list.count() == 1
    image = state.own_images[0]
    assert np.array_equal(image.as_float().reshape(28, 28), np.round(panel.canvas.pixels * 255) / 255)
    own = encode_at_snapshots(state.run, image.as_float())  # type: ignore[arg-type]
    assert panel.reconstruction.image is not None and not panel.nearest_buttons[0].isHidden()
    assert "every one of the" in panel.note.text()
    n_before = len(errors)
    panel.open_file()  # a bad file: one sentence, nothing else changes
    assert len(errors) == n_before + 1 and "not a PNG or JPEG" in errors[-1] and len(state.own_images) == 1
    good = np.zeros((50, 30), np.uint8)
    good[5:45, 5:25] = 255
    Image.fromarray(good).save(tmp_path / "good.png")
    panel._ask_file = lambda: tmp_path / "good.png"
    panel.open_file()
    assert [im.name for im in state.own_images] == ["drawing 1", "good"] and panel.list.currentRow() == 1
    panel.nearest_buttons[0].click()
    assert state.selected == panel._nearest[0]
    panel.remove(0)
    assert [im.name for im in state.own_images] == ["good"] and panel.list.count() == 1
    assert len(own.snapshots) == state.run.n_snapshots  # type: ignore[union-attr]


def test_placement_note_for_each_kind_of_run() -> None:
    from latent3d.analysis.encoder import OwnCodes

    steps = np.array([0, 10, 20, 30])
    assert "only the final encoder" in placement_note(OwnCodes(np.array([3]), np.zeros((1, 3))), steps)
    assert "2 of its 4" in placement_note(OwnCodes(np.array([0, 3]), np.zeros((2, 3))), steps)
    assert "no encoder" in placement_note(OwnCodes(np.array([], np.int64), np.zeros((0, 3))), steps)
    assert OwnImage.from_array("n", np.ones(784)).as_float().min() == 1.0


def test_window_m_key_and_own_images(qtbot, window) -> None:  # noqa: ANN001
    keys = {a.shortcut().toString(): a for a in window.actions()}
    assert "M" in keys and keys["M"] is window.map_action
    window.activateWindow()
    if window.isActiveWindow():
        qtbot.keyClick(window, Qt.Key.Key_M)
    else:  # a bare Xvfb may never activate the window: trigger what the key is bound to
        window.map_action.trigger()
    assert window.state.decoder_map is not None and window.learned.decoder_map.visible
    assert window.map_action.isChecked() and window.map_panel.toggle.isChecked()
    window.map_panel.toggle.setChecked(False)  # the panel and the toolbar button follow one state
    assert window.state.decoder_map is None and not window.map_action.isChecked()
    window.state.add_own_image(OwnImage.from_array("x", np.ones(784)))
    assert window.learned.own_images.markers.shape == (1, 3) and window.own_panel.list.count() == 1
    assert window.learned.own_images.cache is window.own_panel.cache  # encoded once for both


def test_map_panel_waits_for_the_camera_to_settle(qtbot, state: ViewerState) -> None:  # noqa: ANN001
    from latent3d.state.values import Camera

    panel = DecoderMapPanel(state)
    qtbot.addWidget(panel)
    state.camera = Camera((5.0, 0.0, 0.0), (0.0, 0.0, 0.0), (0.0, 0.0, 1.0))
    state.decoder_map = DecoderMapState("camera", 6, 0.6)
    first = panel.image.copy() if panel.image is not None else None
    state.camera = Camera((0.0, 5.0, 0.0), (0.0, 0.0, 0.0), (0.0, 0.0, 1.0))
    assert first is not None and np.array_equal(panel.image, first)  # not decoded at every camera move
    qtbot.waitUntil(lambda: not np.array_equal(panel.image, first), timeout=3000)
    placed = map_image(state, state.decoder_map)
    assert placed is not None and np.array_equal(panel.image, placed[1])
