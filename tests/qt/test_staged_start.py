"""The two-stage start: the run's cloud first (plain VTK), the window built after, taking over what the user did."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from latent3d.qt.main_window import MainWindow
from latent3d.qt.staged import Handover, StagedBuild, show_first
from latent3d.runs import load_run
from latent3d.scene.core.camera_link import read_camera
from tests.qt.conftest import dispose, open_window


def _staged(qtbot, settings, data_dir, run_path):  # noqa: ANN001, ANN202
    run = load_run(run_path)
    w = MainWindow(data_dir=data_dir, settings=settings, first=run)
    w.setObjectName("latent3d-main")
    qtbot.addWidget(w)
    w.resize(900, 600)
    w.show()
    qtbot.waitExposed(w)
    return w, run


def _nearest_point_pixel(preview) -> tuple[int, int, int]:  # noqa: ANN001
    """The point nearest the camera (nothing can hide it) and its display pixel."""
    scene = preview.scene
    points = scene.actor.GetMapper().GetInput().GetPoints()
    ren = scene.renderer
    best = None
    for i in range(points.GetNumberOfPoints()):
        x, y, z = points.GetPoint(i)
        ren.SetWorldPoint(x, y, z, 1.0)
        ren.WorldToDisplay()
        dx, dy, depth = ren.GetDisplayPoint()
        w, h = scene.ren_win.GetSize()
        if 10 < dx < w - 10 and 10 < dy < h - 10 and (best is None or depth < best[0]):
            best = (depth, i, round(dx), round(dy))
    assert best is not None
    return best[1], best[2], best[3]


def test_preview_draws_the_cloud_and_the_built_window_is_laid_out_as_one_built_at_once(
        qtbot, settings, synthetic_run, data_dir_or_none, tmp_path) -> None:  # noqa: ANN001
    w, run = _staged(qtbot, settings, data_dir_or_none, synthetic_run)
    try:
        assert not w.built and w.centralWidget() is w.preview
        assert w.windowTitle() == f"latent3d — {run.name}"
        w.preview.GetRenderWindow().Render()
        start = w.preview.scene.camera()
        w.build()
        show_first(w, run, Handover())
        qtbot.wait(50)
        assert w.built and w.preview is None
        staged_view = w.view.geometry()
        # The real view starts at the preview's pose (both wider than tall): nothing jumps but the layout.
        shown = read_camera(w.scene)
        for a, b in zip((start.position, start.focal_point, start.view_up, (start.view_angle,)),
                        (shown.position, shown.focal_point, shown.view_up, (shown.view_angle,))):
            np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-9)
    finally:
        dispose(w)
    from PySide6.QtCore import QSettings
    fresh = QSettings(str(tmp_path / "fresh.ini"), QSettings.Format.IniFormat)
    at_once = open_window(qtbot, fresh, data_dir_or_none, synthetic_run)
    try:
        # Built while already on the screen, the docks once left the 3-D view 0 px high.
        assert staged_view.height() > 200
        assert staged_view == at_once.view.geometry()
    finally:
        dispose(at_once)


def test_a_click_on_the_preview_picks_the_point_drawn_there(qtbot, settings, synthetic_run) -> None:  # noqa: ANN001
    w, _run = _staged(qtbot, settings, None, synthetic_run)
    try:
        w.preview.GetRenderWindow().Render()
        index, x, y = _nearest_point_pixel(w.preview)
        assert w.preview.scene.pick(x, y) == index
        ratio = w.preview.devicePixelRatioF()
        at = QPoint(round(x / ratio), round((w.preview.height() * ratio - 1 - y) / ratio))
        QTest.mouseClick(w.preview, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at)
        assert w.preview.clicked and w.preview.picked == index
        QTest.mouseClick(w.preview, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(3, 3))
        assert w.preview.clicked and w.preview.picked is None  # empty space: the last click wins
    finally:
        dispose(w)


def test_vtk_keys_do_not_reach_the_preview(qtbot, settings, synthetic_run) -> None:  # noqa: ANN001
    w, _run = _staged(qtbot, settings, None, synthetic_run)
    try:
        QTest.keyClick(w.preview, Qt.Key.Key_W)  # VTK's trackball style would turn every actor to wireframe
        QTest.keyClick(w.preview, Qt.Key.Key_Q)  # ... and quit the interactor
        assert w.preview.scene.actor.GetProperty().GetRepresentation() == 0  # VTK_POINTS
        assert w.isVisible()
    finally:
        dispose(w)


def test_staged_build_hands_over_camera_and_click(qtbot, settings, synthetic_run, data_dir_or_none) -> None:  # noqa: ANN001
    w, run = _staged(qtbot, settings, data_dir_or_none, synthetic_run)
    got: list[Handover] = []
    try:
        cam = w.preview.scene.renderer.GetActiveCamera()
        cam.Azimuth(40.0)  # as a drag would
        w.preview.clicked, w.preview.picked = True, 7
        turned = w.preview.scene.camera()
        StagedBuild(w, got.append)
        qtbot.waitUntil(lambda: bool(got), timeout=60_000)
        assert w.built
        assert got[0].camera == turned and got[0].clicked and got[0].picked == 7
        show_first(w, run, got[0])
        assert w.model.pick.selected == 7
        shown = read_camera(w.scene)
        np.testing.assert_allclose(shown.position, turned.position, rtol=1e-5)
        np.testing.assert_allclose(shown.focal_point, turned.focal_point, rtol=1e-5, atol=1e-6)
    finally:
        dispose(w)


def test_a_window_closed_while_loading_is_never_built(qtbot, settings, synthetic_run) -> None:  # noqa: ANN001
    w, _run = _staged(qtbot, settings, None, synthetic_run)
    called: list[Handover] = []
    staged = StagedBuild(w, called.append)
    w.close()
    staged._start()  # as the first frame would
    staged.join()
    qtbot.wait(100)
    assert not w.built and not called
    assert settings.value("dock_state") is None  # a window closed before its docks existed saves none
    dispose(w)


def test_a_wide_recording_opens_in_two_stages(qtbot, settings, tmp_path) -> None:  # noqa: ANN001
    """A 64-D recording: the preview draws its stored 3-D projection, and the built window shows the same run."""
    from tests.qt.test_recording_window import make_recording

    w, run = _staged(qtbot, settings, None, make_recording(tmp_path / "rec"))
    got: list[Handover] = []
    try:
        assert w.preview.scene.actor.GetMapper().GetInput().GetNumberOfPoints() == len(run.labels) == 300
        StagedBuild(w, got.append)
        qtbot.waitUntil(lambda: bool(got), timeout=60_000)
        show_first(w, run, got[0])
        assert w.run is run and w.scene.n_points == 300
    finally:
        dispose(w)


def test_run_viewer_opens_in_two_stages_and_applies_a_view_file(qtbot, synthetic_run, monkeypatch,  # noqa: ANN001
                                                                tmp_path) -> None:  # noqa: ANN001
    """The command line's path: preview first, then the built window on the run, set by the view file."""
    from PySide6.QtWidgets import QApplication

    from latent3d.qt import app as app_module
    from latent3d.state.view.apply import spec_from_state
    from latent3d.state.viewer_model import ViewerModel

    run = load_run(synthetic_run)
    model = ViewerModel()
    model.set_run(run)
    model.time.position = 1.0
    model.pick.selected = 11
    spec = spec_from_state(model)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    seen: dict[str, object] = {}

    def exec_until_built(_app: object) -> int:
        window = next(w for w in QApplication.topLevelWidgets() if type(w).__name__ == "MainWindow")
        seen["preview_first"] = window.preview is not None and not window.built
        qtbot.waitUntil(lambda: window.built and window.run is not None, timeout=60_000)
        seen["position"], seen["selected"] = window.model.time.position, window.model.pick.selected
        window.close()
        window.deleteLater()
        return 0

    monkeypatch.setattr(QApplication, "exec", exec_until_built)
    assert app_module.run_viewer(synthetic_run, None, view=spec) == 0
    assert seen == {"preview_first": True, "position": 1.0, "selected": 11}


def test_without_a_preview_platform_the_window_is_built_at_once(qtbot, synthetic_run, monkeypatch,  # noqa: ANN001
                                                                tmp_path) -> None:  # noqa: ANN001
    """On Wayland only pyvistaqt's QOpenGLWidget draws: no preview, the whole window at once, on the run."""
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    from latent3d.qt import app as app_module

    monkeypatch.setattr(QGuiApplication, "platformName", staticmethod(lambda: "wayland"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    seen: dict[str, object] = {}

    def exec_once(_app: object) -> int:
        window = next(w for w in QApplication.topLevelWidgets() if type(w).__name__ == "MainWindow")
        seen["built"], seen["preview"], seen["run"] = window.built, window.preview, window.run.name
        window.close()
        window.deleteLater()
        return 0

    monkeypatch.setattr(QApplication, "exec", exec_once)
    assert app_module.run_viewer(synthetic_run, None) == 0
    assert seen == {"built": True, "preview": None, "run": "synthetic"}


def test_a_build_that_fails_says_so_and_ends_the_app(qtbot, settings, synthetic_run, monkeypatch) -> None:  # noqa: ANN001
    """No preview left on the screen forever: one error box, and the event loop ends with status 1."""
    from PySide6.QtWidgets import QApplication

    from latent3d.qt import compose, staged

    w, _run = _staged(qtbot, settings, None, synthetic_run)
    boxes: list[tuple[str, str]] = []
    exits: list[int] = []

    def broken(_window: object) -> None:
        raise RuntimeError("the panels could not be made")

    monkeypatch.setattr(compose, "compose", broken)
    monkeypatch.setattr(staged, "error_box", lambda _parent, title, text: boxes.append((title, text)))
    monkeypatch.setattr(QApplication, "exit", staticmethod(lambda code=0: exits.append(code)))
    called: list[Handover] = []
    StagedBuild(w, called.append)
    qtbot.waitUntil(lambda: bool(exits), timeout=60_000)
    assert exits == [1] and not called
    assert len(boxes) == 1 and "the panels could not be made" in boxes[0][1]
    dispose(w)


def test_the_build_waits_for_a_click_in_progress_on_the_preview(qtbot, settings, synthetic_run) -> None:  # noqa: ANN001
    """A press released after the imports end is still a click on the preview, not on a widget that is gone."""
    w, _run = _staged(qtbot, settings, None, synthetic_run)
    got: list[Handover] = []
    try:
        w.preview._press = (10, 10)  # the left button is down on the preview
        staged = StagedBuild(w, got.append)
        staged._start()
        staged.join()
        qtbot.wait(300)
        assert not w.built and not got
        w.preview._press = None  # released
        qtbot.waitUntil(lambda: bool(got), timeout=10_000)
        assert w.built
    finally:
        dispose(w)
