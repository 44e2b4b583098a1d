"""Render caps derived from the machine: frames, frame rate, image and GIF memory; percentile framing of a still.

Each refusal is one sentence that states the limit, comes before any frame is planned (the old
code allocated ``--steps-per-epoch 1000000000`` frame positions: 16 GB, deaf to Ctrl+C), and
writes nothing.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("pyvista")
imageio = pytest.importorskip("imageio.v2")

from latent3d.cli.parser import main  # noqa: E402
from latent3d.runs import load_run  # noqa: E402
from latent3d.scene.offscreen import render  # noqa: E402
from latent3d.util import limits  # noqa: E402
from tests.support.hostile_fixtures import one_sentence  # noqa: E402
from tests.support.scene_fixtures import make_run  # noqa: E402

BACKGROUND = (0x1E, 0x21, 0x27)


@pytest.fixture(scope="module")
def run_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_run(tmp_path_factory.mktemp("limits") / "r", n=300, epochs=2)


@pytest.fixture
def stub_renderer(monkeypatch: pytest.MonkeyPatch) -> None:
    """Requests that pass every cap reach the renderer: a stub that says so."""
    def stub(*_a: object, **_k: object) -> None:
        raise ValueError("renderer reached.")

    monkeypatch.setattr(render, "OffscreenRenderer", stub)


def _refused(argv: list[str], capsys: pytest.CaptureFixture[str], *fragments: str) -> str:
    assert main(argv) == 2
    return one_sentence(capsys.readouterr().err, *fragments)


@pytest.mark.parametrize("extra, fragment", [
    (["--time", "linear", "--frames-per-epoch", "1000000000"],
     "The movie would have 2,000,000,001 frames; at most 100,000"),
    (["--frames-per-snapshot", "9" * 300], "The movie would have more than 10^15 frames; at most 100,000"),
    (["--fps", "100000000000000000000"], "A frame rate of 100000000000000000000 fps is outside 1-100"),
    (["--fps", "101"], "A frame rate of 101 fps is outside 1-100 frames per second (--fps)."),
])
def test_movie_caps(extra: list[str], fragment: str, run_path: Path, tmp_path: Path, stub_renderer: None,
                    capsys: pytest.CaptureFixture[str]) -> None:
    _refused(["render", str(run_path), "--movie", str(tmp_path / "m.mp4"), *extra], capsys, fragment)
    assert os.listdir(tmp_path) == []


def test_gif_is_capped_by_memory_but_mp4_streams(run_path: Path, tmp_path: Path, stub_renderer: None,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(limits, "available_memory", lambda: 90_000_000)  # half is 45 MB: 9 frames of 1200x900 need 48.6
    argv = ["render", str(run_path), "--size", "1200x900", "--movie"]
    _refused([*argv, str(tmp_path / "m.gif")], capsys, "A GIF of 9 frames of 1200x900 is held in memory",
             "about 48.6 MB, more than half of the 90.0 MB available", "or write an .mp4")
    _refused([*argv, str(tmp_path / "m.mp4")], capsys, "renderer reached.")


def test_image_size_is_capped_by_memory(run_path: Path, tmp_path: Path, stub_renderer: None,
                                        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(limits, "available_memory", lambda: 1_000_000_000)
    _refused(["render", str(run_path), "--out", str(tmp_path / "x.png"), "--size", "8192x8192"], capsys,
             "A 8192x8192 image needs about 2.1 GB of memory to render, more than half of the 1.0 GB available")
    _refused(["render", str(run_path), "--out", str(tmp_path / "x.png"), "--size", "4000x3000"], capsys,
             "renderer reached.")
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("axis", ["log", "linear"])
@pytest.mark.parametrize("per", [1, 3, 10])
def test_frame_count_is_what_movie_positions_gives(run_path: Path, axis: str, per: int) -> None:
    run = load_run(run_path)
    assert render.movie_frame_count(run, axis, per, per) == len(render.movie_positions(run, axis, per, per))


def test_available_memory_is_a_positive_figure() -> None:
    assert limits.available_memory() > 0


def test_one_far_outlier_does_not_shrink_a_still_to_a_dot(run_path: Path, tmp_path: Path) -> None:
    """The still is framed on the 1st-99th percentile, as the window frames: the cloud stays large."""
    import shutil

    far = tmp_path / "far"
    shutil.copytree(run_path, far)
    codes = np.load(far / "codes.npy")
    codes[:, 0, :] = 1e4  # one test image's code, far from the rest at every epoch
    np.save(far / "codes.npy", codes)

    def drawn(run_dir: Path) -> int:
        out = render.render_image(load_run(run_dir), tmp_path / f"{run_dir.name}.png", size=(200, 150), camera="xy")
        rgb = imageio.imread(out)[..., :3].astype(int)
        return int((~np.all(rgb == BACKGROUND, axis=-1)).sum())

    assert drawn(far) > 0.5 * drawn(run_path)


def test_old_steps_per_epoch_name_still_works_and_warns(run_path: Path, tmp_path: Path, stub_renderer: None,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["render", str(run_path), "--movie", str(tmp_path / "m.mp4"), "--time", "linear"]
    assert main([*argv, "--steps-per-epoch", "1000000000"]) == 2
    warning, error = capsys.readouterr().err.splitlines()
    assert warning == "latent3d render: warning: --steps-per-epoch is deprecated; use --frames-per-epoch."
    assert "The movie would have 2,000,000,001 frames" in error  # the value reached --frames-per-epoch
    assert os.listdir(tmp_path) == []
