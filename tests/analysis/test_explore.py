"""Exploration maths without a display: filmstrip, path decodes, neighbours, probe cue, colour values."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from latent3d.analysis.explore import (
    NeighbourIndex,
    colour_range,
    colour_values,
    filmstrip,
    lerp,
    map_colours,
    movement,
    movie_times,
    path_decodes,
)
from latent3d.runs import Run, load_run
from tests.support.scene_fixtures import make_run


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    return load_run(make_run(tmp_path_factory.mktemp("explore") / "r", n=400, epochs=3))


def _decode_by_hand(run: Run, epoch: int, z: np.ndarray) -> np.ndarray:
    """The decoder written out from the stored weights, independent of NumpyDecoder."""
    w = run._weights[epoch]
    x = np.atleast_2d(z).astype(np.float64)
    for i in (0, 2, 4, 6):
        x = x @ w[f"decoder.{i}.weight"].T.astype(np.float64) + w[f"decoder.{i}.bias"]
        x = np.maximum(x, 0) if i < 6 else 1.0 / (1.0 + np.exp(-x))
    return x


def test_filmstrip_frames_are_each_epochs_decoder_output(run: Run) -> None:
    frames = filmstrip(run.decoder, run.codes, 7)
    assert frames.shape == (run.epochs + 1, 784)
    for e in range(run.epochs + 1):
        np.testing.assert_allclose(frames[e], _decode_by_hand(run, e, run.codes[e, 7])[0], atol=1e-5)
    assert not np.allclose(frames[0], frames[-1])  # a different decoder per epoch, not one decoder reused


def test_path_decodes_equal_decoder_of_lerp(run: Run) -> None:
    a, b = run.codes[2, 3], run.codes[2, 150]
    codes, images = path_decodes(run.decoder(2), a, b, 10)
    t = np.arange(10) / 9.0
    expected = a[None, :] + t[:, None] * (b - a)[None, :]
    np.testing.assert_allclose(codes, expected, atol=1e-6)
    np.testing.assert_allclose(codes[[0, -1]], [a, b], atol=1e-6)
    np.testing.assert_allclose(images, _decode_by_hand(run, 2, expected), atol=1e-5)
    np.testing.assert_allclose(lerp(a, b, 0.3), a + 0.3 * (b - a), atol=1e-6)
    with pytest.raises(ValueError):
        path_decodes(run.decoder(2), a, b, 1)


def test_neighbours_equal_brute_force() -> None:
    rng = np.random.default_rng(3)
    codes = rng.normal(0, 2, (3, 5000, 3)).astype(np.float32)
    index = NeighbourIndex(codes)
    for epoch in range(3):
        for q in rng.normal(0, 2, (5, 3)):
            d = np.linalg.norm(codes[epoch] - q, axis=1)
            idx, dist = index.query(epoch, q, 8)
            np.testing.assert_array_equal(idx, np.argsort(d)[:8])
            np.testing.assert_allclose(dist, np.sort(d)[:8], rtol=1e-6)
        sel = 42
        idx, dist = index.query(epoch, codes[epoch, sel], 8, exclude=sel)
        d = np.linalg.norm(codes[epoch] - codes[epoch, sel], axis=1)
        d[sel] = np.inf
        np.testing.assert_array_equal(idx, np.argsort(d)[:8])
        assert sel not in idx


def test_probe_cue_inside_and_far_outside() -> None:
    rng = np.random.default_rng(4)
    codes = rng.normal(0, 1, (1, 4000, 3)).astype(np.float32)
    index = NeighbourIndex(codes)
    inside = index.probe_cue(0, np.zeros(3, np.float32))
    d = np.sort(np.linalg.norm(codes[0], axis=1))
    assert inside.distance == pytest.approx(d[0])
    assert inside.density == pytest.approx(10 / (4 / 3 * np.pi * d[9] ** 3))
    assert inside.verdict == "inside the data" and inside.relative_density > 0.5
    far = index.probe_cue(0, np.array([40.0, 0, 0], np.float32))
    assert far.verdict == "far outside" and far.distance > 30 * far.spacing


def test_error_colours_are_per_image_bce_and_movement_is_distance(run: Run) -> None:
    for e in range(run.epochs + 1):
        np.testing.assert_array_equal(colour_values("error", e, run.codes, run.test_bce), run.test_bce[e])
    np.testing.assert_allclose(colour_values("movement", 2, run.codes, run.test_bce),
                               np.sqrt(((run.codes[2] - run.codes[1]) ** 2).sum(1)), rtol=1e-6)
    np.testing.assert_array_equal(movement(run.codes, 0), 0)
    assert colour_values("class", 1, run.codes, run.test_bce) is None
    with pytest.raises(ValueError):
        colour_values("rainbow", 1, run.codes, run.test_bce)


def test_colour_map_ends_and_order() -> None:
    rgb = map_colours(np.array([-5.0, 0.0, 0.5, 1.0, 9.0]), 0.0, 1.0)
    np.testing.assert_array_equal(rgb[0], (68, 1, 84))  # below the range: clipped to the low end
    np.testing.assert_array_equal(rgb[1], (68, 1, 84))
    np.testing.assert_array_equal(rgb[2], (33, 144, 141))
    np.testing.assert_array_equal(rgb[3], (253, 231, 37))
    np.testing.assert_array_equal(rgb[4], (253, 231, 37))
    lo, hi = colour_range(np.arange(101, dtype=np.float32))
    assert (lo, hi) == pytest.approx((2.0, 98.0))


def test_movie_times_one_per_step() -> None:
    t = movie_times(20, 10)
    assert len(t) == 201 and t[0] == 0 and t[-1] == 20 and np.allclose(np.diff(t), 0.1)
    with pytest.raises(ValueError):
        movie_times(3, 0)


def test_bundled_run_has_train_codes() -> None:
    bundled = Path(__file__).resolve().parents[2] / "checkpoints" / "fashion-mnist-default"
    if not (bundled / "run.json").is_file():
        pytest.skip("bundled run not present")
    r = load_run(bundled)
    assert r.train_codes is not None and r.train_codes.shape == (60_000, 3)
    assert r.train_labels is not None and len(r.codes[-1]) + len(r.train_codes) == 70_000


def test_a_probe_on_a_data_point_is_inside_the_data_whatever_the_density() -> None:
    """Issue 25: "at the edge" with the probe on a data point at distance 0.000; verdict and distance agree now."""
    from latent3d.analysis.explore import ProbeCue

    on_outlier = ProbeCue(nearest=3, distance=0.0, spacing=0.05, density=1.0, relative_density=0.03)
    assert on_outlier.verdict == "inside the data"
    near_outlier = ProbeCue(nearest=3, distance=0.2, spacing=0.05, density=1.0, relative_density=0.03)
    assert near_outlier.verdict == "at the edge"
    assert ProbeCue(nearest=3, distance=2.0, spacing=0.05, density=1.0, relative_density=0.001).verdict == "far outside"
