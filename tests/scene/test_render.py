"""Headless rendering (off-screen pyvista, no X): PNG size and content, one movie frame per step, CLI errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("pyvista")
imageio = pytest.importorskip("imageio.v2")

from latent3d.analysis.explore import colour_range, map_colours  # noqa: E402
from latent3d.cli.parser import main  # noqa: E402
from latent3d.runs import Run, load_run  # noqa: E402
from latent3d.scene.offscreen.render import OffscreenRenderer, parse_size, render_image, render_movie  # noqa: E402
from tests.support.scene_fixtures import make_run  # noqa: E402

BACKGROUND = (0x1E, 0x21, 0x27)


@pytest.fixture(scope="module")
def run_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_run(tmp_path_factory.mktemp("render") / "r", n=300, epochs=2)


@pytest.fixture(scope="module")
def run(run_path: Path) -> Run:
    return load_run(run_path)


def test_render_png_of_requested_size_not_blank(run: Run, tmp_path: Path) -> None:
    out = render_image(run, tmp_path / "e1.png", epoch=1, size=(320, 240), camera="xy")
    img = imageio.imread(out)
    assert img.shape[:2] == (240, 320)
    rgb = img[..., :3].astype(int)
    assert tuple(rgb[5, -5]) == BACKGROUND
    background = np.all(rgb == BACKGROUND, axis=-1)
    assert background.mean() > 0.5  # a picture on the background, not garbage
    assert (~background).sum() > 500  # points were drawn
    bright = rgb.max(axis=-1) - rgb.min(axis=-1) > 60  # saturated: class colours, not grey text
    assert bright.sum() > 200


@pytest.mark.parametrize(("suffix", "time_axis"), [(".gif", "linear"), (".mp4", "log")])
def test_movie_has_one_frame_per_step(run: Run, tmp_path: Path, suffix: str, time_axis: str) -> None:
    seen: list[int] = []
    # 2 snapshots after step 0 (a version-1 run: the epoch ends): 2 frames per epoch or per snapshot
    n = render_movie(run, tmp_path / f"m{suffix}", fps=10, frames_per_epoch=2, frames_per_snapshot=2,
                     time_axis=time_axis, size=(160, 120), progress=lambda i, total: seen.append(i))
    assert n == 2 * 2 + 1 == len(seen)
    reader = imageio.get_reader(tmp_path / f"m{suffix}", format="FFMPEG" if suffix == ".mp4" else None)
    frames = [f for f in reader]  # not list(reader): the ffmpeg reader's len() is inf
    reader.close()
    assert len(frames) == 5
    assert frames[0].shape[:2] == (120, 160)
    assert not np.array_equal(frames[0], frames[-1])  # the points moved


def test_error_colouring_uses_per_image_bce(run: Run) -> None:
    r = OffscreenRenderer(run, size=(64, 48), colour="error")
    try:
        r.frame(2.0)
        np.testing.assert_array_equal(r.presenter.colours.values, run.test_bce[2])
        drawn = np.asarray(r.scene._cloud_actor.GetMapper().GetInput().point_data["rgb"])
        np.testing.assert_array_equal(drawn, map_colours(run.test_bce[2], *colour_range(run.test_bce[2])))
    finally:
        r.close()


def test_cli_render(run_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "x.png"
    assert main(["render", str(run_path), "--out", str(out), "--size", "200x150", "--camera", "yz",
                 "--color", "movement"]) == 0
    assert imageio.imread(out).shape[:2] == (150, 200)
    for argv, fragment in ((["--out", str(out), "--size", "big"], "must look like"),
                           ([], "exactly one of"),
                           (["--out", str(out), "--epoch", "9"], "outside 0-2"),
                           (["--movie", str(tmp_path / "m.avi")], ".mp4 or .gif"),
                           (["--out", str(out), "--train-overlay"], "no training codes")):
        assert main(["render", str(run_path), *argv]) == 2
        err = capsys.readouterr().err
        assert fragment in err and err.count("\n") == 1


def test_parse_size() -> None:
    assert parse_size("640x480") == (640, 480)
    for bad in ("640", "0x10", "axb", "99999x10"):
        with pytest.raises(ValueError):
            parse_size(bad)


def test_render_model_shows_what_a_saved_view_of_it_shows(run: Run, tmp_path: Path) -> None:
    from latent3d.scene.offscreen.render import render_model
    from latent3d.state.values import Camera
    from latent3d.state.view import apply_spec, load_view, save_view, spec_from_state
    from latent3d.state.viewer_model import ViewerModel

    state = ViewerModel()
    state.set_run(run, position=1.0)
    state.display.hidden_classes, state.pick.selected, state.display.color = frozenset({3}), 5, "error"
    state.pick.probe = (0.2, -0.1, 0.3)
    state.camera.camera = Camera((2.0, -3.0, 1.5), (0.0, 0.0, 0.0), (0.0, 0.0, 1.0), 30.0)
    save_view(spec_from_state(state), tmp_path / "v.json")
    reopened = ViewerModel()
    reopened.set_run(run)
    apply_spec(reopened, load_view(tmp_path / "v.json"))
    shot = render_model(state, (160, 120), 2)
    assert shot.shape == (240, 320, 3)
    np.testing.assert_array_equal(shot, render_model(reopened, (160, 120), 2))
    state.display.color = "class"  # the copy follows the state, not a fixed default
    assert not np.array_equal(shot, render_model(state, (160, 120), 2))
