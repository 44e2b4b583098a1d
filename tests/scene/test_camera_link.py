"""The camera has one owner: a write of the camera model emits once, and VTK shows what the model holds."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

pv = pytest.importorskip("pyvista")

from latent3d.runs import load_run  # noqa: E402
from latent3d.scene.core.camera_link import read_camera  # noqa: E402
from latent3d.scene.core.cloud import LatentScene  # noqa: E402
from latent3d.scene.core.presenter import ScenePresenter  # noqa: E402
from latent3d.state.camera import CameraModel  # noqa: E402
from latent3d.state.values import Camera  # noqa: E402
from latent3d.state.viewer_model import ViewerModel  # noqa: E402
from tests.support.scene_fixtures import make_run  # noqa: E402


@pytest.fixture
def linked(tmp_path: Path) -> Iterator[tuple[CameraModel, LatentScene]]:
    plotter = pv.Plotter(off_screen=True, window_size=(300, 200))
    model = ViewerModel()
    scene = LatentScene(plotter)
    # its camera link connects first, as in the window
    presenter = ScenePresenter(model.time, model.camera, model.pick, model.display, model.compare, scene)
    model.set_run(load_run(make_run(tmp_path / "r", n=300, epochs=2)))
    plotter.show(auto_close=False)
    yield model.camera, scene
    presenter.close()
    plotter.close()


def test_one_write_emits_once_and_a_late_listener_gets_the_pose_shown(linked: tuple[CameraModel, LatentScene]) -> None:
    camera, scene = linked
    late: list[Camera | None] = []
    camera.events.camera.connect(late.append)  # connected after the link: it used to get two poses
    asked = Camera((4.0, 3.0, 2.0), (0.0, 0.0, 0.0), (0.0, 0.3, 1.0), 30.0)  # view-up not at right angles
    camera.camera = asked
    assert len(late) == 1, late
    shown = read_camera(scene)
    held = camera.camera
    assert held is not None and late[0] == held
    np.testing.assert_allclose(held.view_up, shown.view_up, atol=1e-9)
    np.testing.assert_allclose(held.position, shown.position, atol=1e-9)
    d = np.subtract(asked.focal_point, asked.position)
    assert abs(float(np.dot(held.view_up, d))) < 1e-9  # the model holds the pose VTK draws


def test_the_camera_model_keeps_an_orthogonal_pose_to_the_bit() -> None:
    model = CameraModel()
    seen: list[object] = []
    model.events.camera.connect(seen.append)
    pose = Camera((0.0, 0.0, 5.0), (0.0, 0.0, 0.0), (0.0, 1.0, 0.0))
    model.camera = pose
    model.camera = Camera((0.0, 0.0, 5.0), (0.0, 0.0, 0.0), (0.0, 1.0, 0.0))  # the same pose again: no event
    assert model.camera == pose and seen == [pose]
    with pytest.raises(ValueError, match="camera pose"):
        model.camera = (1, 2, 3)  # type: ignore[assignment]
