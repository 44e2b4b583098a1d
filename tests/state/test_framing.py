"""Follow the snapshot: the framing maths, the state's rule, the view file key, and what an off-screen render shows."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from latent3d.state.framing import SnapshotBoxes, blend, framed, percentile_box
from latent3d.state.values import Camera
from latent3d.state.view import ViewSpec

CAM = Camera((10.0, 0.0, 0.0), (0.0, 0.0, 0.0), (0.0, 0.0, 1.0), 30.0)


def test_framed_keeps_direction_and_centres_the_box() -> None:
    lo, hi = np.array([1.0, 1.0, 1.0]), np.array([3.0, 5.0, 2.0])
    cam = framed(CAM, lo, hi)
    assert cam.focal_point == pytest.approx((2.0, 3.0, 1.5))
    d = np.subtract(cam.position, cam.focal_point)
    np.testing.assert_allclose(d / np.linalg.norm(d), [1.0, 0.0, 0.0], atol=1e-12)
    assert cam.view_up == CAM.view_up and cam.view_angle == CAM.view_angle
    # The bounding sphere fits the view angle with the fit margin, as ResetCamera + Zoom(0.9) would.
    radius = np.linalg.norm(hi - lo) / 2
    half = math.radians(15.0)
    assert np.linalg.norm(d) == pytest.approx(radius / math.sin(half) * math.tan(half / 0.9) / math.tan(half))


def test_a_tiny_cloud_is_framed_as_large_as_a_big_one() -> None:
    big, small = framed(CAM, np.array([-4.0] * 3), np.array([4.0] * 3)), framed(CAM, np.array([-0.1] * 3),
                                                                                np.array([0.1] * 3))
    ratio = math.dist(big.position, big.focal_point) / math.dist(small.position, small.focal_point)
    assert ratio == pytest.approx(40.0)  # distance scales with the box: the same share of the view


def test_percentile_box_ignores_outliers_and_non_finite_codes() -> None:
    rng = np.random.default_rng(0)
    codes = rng.uniform(-1, 1, (10_000, 3))
    codes[:5] = 1e6
    codes[5] = np.nan
    lo, hi = percentile_box(codes)
    assert np.all(hi < 1.01) and np.all(lo > -1.01)


def test_boxes_between_snapshots_are_blended() -> None:
    codes = np.stack([np.full((100, 3), 0.0), np.linspace(-1, 1, 300).reshape(100, 3), np.zeros((100, 3))])
    boxes = SnapshotBoxes(codes)
    lo1, hi1 = boxes.box(1)
    lo, hi = boxes.at(0.5)
    np.testing.assert_allclose(lo, lo1 / 2)
    np.testing.assert_allclose(hi, hi1 / 2)
    assert np.all(boxes.at(99.0)[0] == boxes.box(2)[0])  # clamped to the last snapshot


def test_blend_goes_from_a_to_b() -> None:
    b = Camera((0.0, 20.0, 0.0), (1.0, 1.0, 1.0), (0.0, 0.0, 1.0), 30.0)
    assert blend(CAM, b, 0.0) == CAM
    end = blend(CAM, b, 1.0)
    np.testing.assert_allclose(end.position, b.position, atol=1e-9)
    np.testing.assert_allclose(end.focal_point, b.focal_point, atol=1e-12)
    mid = blend(CAM, b, 0.5)
    assert math.dist(mid.position, mid.focal_point) == pytest.approx((10.0 + math.dist(b.position, b.focal_point)) / 2)


def test_view_file_keeps_follow_and_refuses_non_booleans(tmp_path: Path) -> None:
    from latent3d.state.view import ViewFileError

    spec = ViewSpec(run="r", step=0, epoch=None, camera=CAM, color="class", hidden_classes=(), selected=None,
                    follow=True)
    d = spec.to_dict()
    assert d["follow"] is True
    assert ViewSpec.from_dict(d, "v.json").follow is True
    d["follow"] = 1
    with pytest.raises(ViewFileError, match="follow"):
        ViewSpec.from_dict(d, "v.json")


def _coverage(image: np.ndarray) -> float:
    background = np.array([30, 33, 39])
    return float((np.abs(image[..., :3].astype(int) - background).sum(-1) > 40).mean())


def test_render_with_follow_fills_the_view_at_step_0_as_at_the_end(tmp_path: Path) -> None:
    pytest.importorskip("pyvista")
    from latent3d.runs import load_run
    from latent3d.scene.offscreen.render import OffscreenRenderer
    from tests.support.scene_fixtures import make_run

    run = load_run(make_run(tmp_path / "r", n=1500, epochs=3))
    run.codes[0] *= 0.05  # the untrained cloud: a speck when every snapshot is framed at once
    r = OffscreenRenderer(run, size=(320, 240))
    try:
        still = _coverage(r.frame(0.0))
        r.model.time.follow = True
        first, last = _coverage(r.frame(0.0)), _coverage(r.frame(float(len(run.codes) - 1)))
        assert first > 4 * still  # followed, step 0 is no longer a speck
        assert 0.4 < first / last < 2.5  # and takes a share of the view like the final snapshot's
        assert r.presenter.scale_note.text.startswith("cloud ")  # the real size is said in the corner
    finally:
        r.close()


def test_render_follow_option_frames_each_snapshot_and_is_refused_with_a_view(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("pyvista")
    import imageio.v2 as imageio

    from latent3d.cli import main
    from tests.support.scene_fixtures import make_run

    run = make_run(tmp_path / "r", n=800, epochs=2)
    codes = np.load(run / "codes.npy")
    codes[0] *= 0.05  # a speck at step 0 when every snapshot is framed at once
    np.save(run / "codes.npy", codes)
    plain, followed = tmp_path / "plain.gif", tmp_path / "follow.gif"
    for out, extra in ((plain, []), (followed, ["--follow"])):
        assert main(["render", str(run), "--movie", str(out), "--size", "320x240", "--frames-per-snapshot", "1",
                     *extra]) == 0
    first = lambda p: _coverage(imageio.mimread(p)[0])  # noqa: E731 - step 0, the speck without follow
    assert first(followed) > 4 * first(plain)
    view = tmp_path / "v.json"
    view.write_text(json.dumps({"format_version": 1, "run": str(run), "camera": None, "color": "class",
                                "hidden_classes": [], "selected": None, "follow": True}))
    capsys.readouterr()
    assert main(["render", "--view", str(view), "--out", str(tmp_path / "x.png"), "--follow"]) == 2
    assert "--follow does not apply with --view" in capsys.readouterr().err
