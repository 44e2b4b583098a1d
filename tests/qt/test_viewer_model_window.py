"""The window displays one viewer model: the bugs of scattered state (issue 11) and view files end to end."""

from __future__ import annotations

import json
from pathlib import Path

import imageio.v2 as imageio
import numpy as np
import pytest
from PySide6.QtWidgets import QMessageBox
from qt.conftest import dispose, open_window

from latent3d.cli.parser import main as cli_main
from latent3d.qt.canvas.export import save_screenshot
from latent3d.runs import load_run
from latent3d.scene.core.look import CLASS_COLORS
from tests.support.scene_fixtures import make_run


def test_hiding_the_selected_class_clears_panel_and_filmstrip(window) -> None:  # noqa: ANN001
    window.show_panel(window.parts["inspect"]["filmstrip"])  # a hidden tab follows no pick
    window.model.pick.selected = 11
    assert window.parts["inspect"]["filmstrip"].grid.images
    window.parts["display"]["legend"].set_checked(int(window.run.labels[11]), False)  # as a click on the legend does
    assert window.model.pick.selected is None and window.scene.selected is None
    selection = window.parts["inspect"]["panel"].selection
    assert selection.right.image is None or selection.right_caption.text() == "reconstruction"
    assert "Click a point" in window.parts["inspect"]["panel"].selection.left.text()
    assert window.parts["inspect"]["filmstrip"].grid.images == []
    assert window.parts["inspect"]["neighbours_box"].grid.images == []


def test_probe_off_gives_the_neighbours_back_to_the_selection(qtbot, window) -> None:  # noqa: ANN001
    window.show_panel(window.parts["inspect"]["neighbours_box"])  # a dock behind another follows nothing
    window.model.pick.selected = 11
    window.parts["inspect"]["gestures"].set_free_roam(True)
    window.show_panel(window.parts["inspect"]["neighbours_box"])  # free roam brought the probe's dock forward
    w, h = window.view.ren_win.GetSize()
    window.view.click(2, 2, double=True)  # empty space: the probe jumps there
    assert window.model.pick.probe is not None
    assert "probe" in window.parts["inspect"]["neighbours_box"].source.text()
    window.parts["inspect"]["gestures"].set_free_roam(False)
    assert window.model.pick.probe is None
    assert window.parts["inspect"]["neighbours_box"].source.text().startswith("Nearest to #11")
    window.timeline.set_position(1)
    assert "step" in window.parts["inspect"]["neighbours_box"].source.text()
    ids = window.parts["inspect"]["neighbours_view"].ids
    expected, _ = window.neighbours.query(window.run.codes[1, 11], len(ids), exclude=11)
    np.testing.assert_array_equal(ids, expected)  # it follows the timeline again


def test_switching_runs_leaves_no_stale_caption(window, tmp_path: Path) -> None:  # noqa: ANN001
    window.model.pick.selected = 3
    assert "step" in window.parts["inspect"]["panel"].selection.right_caption.text()
    window.files.show_run(load_run(make_run(tmp_path / "other", n=500, epochs=2, seed=5)))
    assert window.parts["inspect"]["panel"].selection.right_caption.text() == "reconstruction"
    assert window.model.pick.selected is None


def test_free_roam_after_rotating_keeps_the_camera(qtbot, window) -> None:  # noqa: ANN001
    window.model.time.follow = False  # the whole-run framing: nothing eases the camera meanwhile
    window.easer.stop()  # nor the ease that following began when the run opened
    cam = window.view.camera
    cam.Azimuth(70)
    cam.Elevation(25)
    window.view.render()
    before = np.array(cam.GetPosition()) - np.array(cam.GetFocalPoint())
    window.parts["inspect"]["roam_action"].trigger()  # F
    qtbot.wait(50)
    after = np.array(cam.GetPosition()) - np.array(cam.GetFocalPoint())
    np.testing.assert_allclose(after / np.linalg.norm(after), before / np.linalg.norm(before), atol=1e-6)


def test_probe_starts_on_the_data_and_fills_the_panel(qtbot, window) -> None:  # noqa: ANN001
    window.parts["inspect"]["roam_action"].trigger()
    p = np.asarray(window.model.pick.probe)
    assert np.min(np.linalg.norm(window.scene.positions - p, axis=1)) < 1e-5  # on a data point, not in a void
    probe = window.parts["inspect"]["panel"].probe
    assert probe.isVisible() and probe.left.image is not None


def _class_pixel_counts(img: np.ndarray) -> np.ndarray:
    rgb = img[..., :3].astype(int)
    return np.array([int(np.all(np.abs(rgb - np.array(c)) <= 40, axis=-1).sum()) for c in CLASS_COLORS])


def test_view_file_round_trip_window_to_render(qtbot, settings, synthetic_run: Path, tmp_path: Path,  # noqa: ANN001
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    w = open_window(qtbot, settings, None, synthetic_run)
    try:
        w.resize(900, 700)
        w.model.time.follow = False  # the whole-run framing, as the render's default
        qtbot.wait(50)
        cam = w.view.camera
        cam.Azimuth(40)
        cam.Elevation(-20)
        w.timeline.set_position(1.5)
        w.parts["display"]["actions"].set_colour_mode("class")
        w.model.display.hidden_classes = {0, 3}
        w.model.pick.selected = int(np.flatnonzero(w.run.labels == 5)[0])
        view_file = tmp_path / "v.json"
        assert w.files.save_view(view_file)
        w.view.render()
        shot = save_screenshot(w.view, tmp_path / "window.png")
        assert shot is not None
        size = w.view.ren_win.GetSize()
    finally:
        dispose(w)
    saved = json.loads(view_file.read_text())
    assert saved["hidden_classes"] == [0, 3] and saved["color"] == "class" and saved["selected"] is not None
    out = tmp_path / "render.png"
    assert cli_main(["render", "--view", str(view_file), "--out", str(out), "--size", f"{size[0]}x{size[1]}"]) == 0
    window_px, render_px = imageio.imread(tmp_path / "window.png"), imageio.imread(out)
    assert window_px.shape[:2] == render_px.shape[:2]
    a, b = _class_pixel_counts(window_px), _class_pixel_counts(render_px)
    np.testing.assert_allclose(b, a, rtol=0.25, atol=30)  # the same picture, colour by colour
    # and the view's keys are honoured: without its hidden classes the same render has more points
    saved["hidden_classes"] = []
    (tmp_path / "all.json").write_text(json.dumps(saved))
    out_all = tmp_path / "all.png"
    assert cli_main(["render", "--view", str(tmp_path / "all.json"), "--out", str(out_all),
                     "--size", f"{size[0]}x{size[1]}"]) == 0
    c = _class_pixel_counts(imageio.imread(out_all))
    background = np.array([30, 33, 39])
    drawn = lambda img: int((np.abs(img[..., :3].astype(int) - background).sum(-1) > 30).sum())  # noqa: E731
    assert drawn(imageio.imread(out_all)) > drawn(render_px) * 1.1
    assert c[0] > b[0] and c[3] > b[3]


def test_open_view_refuses_bad_files_and_keeps_the_view(window, tmp_path: Path,  # noqa: ANN001
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *a, **k: shown.append(a[2]))
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()))  # latent3d.qt.widgets.dialogs' boxes
    window.model.pick.selected = 4
    window.timeline.set_position(1.0)
    good = tmp_path / "good.json"
    assert window.files.save_view(good)
    spec = json.loads(good.read_text())
    for key, value in (("selected", 10**9), ("color", "rainbow"), ("camera", {"position": [float("nan")] * 3}),
                       ("run", str(tmp_path / "missing"))):
        bad = tmp_path / f"bad-{key}.json"
        bad.write_text(json.dumps({**spec, key: value}))
        assert not window.files.open_view(bad)
        assert len(shown[-1].splitlines()) == 1 and str(bad) in shown[-1] and key in shown[-1]
        assert window.model.pick.selected == 4 and window.model.time.position == 1.0
    window.timeline.set_position(2.0)
    window.model.pick.selected = None
    assert window.files.open_view(good)
    assert window.model.pick.selected == 4 and window.model.time.position == pytest.approx(1.0)


def test_cli_view_and_render_refuse_a_bad_view_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "v.json"
    bad.write_text('{"format_version": 1, "run": "x"')
    for argv in (["view", "--view", str(bad)], ["render", "--view", str(bad), "--out", str(tmp_path / "x.png")]):
        assert cli_main(argv) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and str(bad) in err and "Traceback" not in err
    assert not (tmp_path / "x.png").exists()
