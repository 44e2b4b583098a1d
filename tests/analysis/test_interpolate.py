"""The one snapshot interpolation: clamping, splitting, blending codes (in place or not) and per-snapshot numbers."""

from __future__ import annotations

import numpy as np
import pytest

from latent3d.analysis.interpolate import clamp_position, codes_at, lerp, split_position, value_at


@pytest.fixture
def codes() -> np.ndarray:
    return np.random.default_rng(0).normal(size=(4, 50, 3)).astype(np.float32)


@pytest.mark.parametrize(("u", "want"), [(-1.0, 0.0), (1.5, 1.5), (9.0, 3.0), (float("nan"), 0.0),
                                         (float("inf"), 3.0), (float("-inf"), 0.0)])
def test_clamp_position_limits_to_the_run(u: float, want: float) -> None:
    assert clamp_position(u, 3) == want


def test_split_position_never_points_past_the_last_snapshot() -> None:
    assert split_position(2.25, 3) == (2, 0.25)
    assert split_position(3.0, 3) == (3, 0.0)
    assert split_position(7.0, 3) == (3, 0.0)
    assert split_position(0.5, 0) == (0, 0.0)


def test_codes_at_a_whole_snapshot_is_that_snapshot_itself(codes: np.ndarray) -> None:
    got = codes_at(codes, 2.0)
    assert np.shares_memory(got, codes[2]) and np.array_equal(got, codes[2])
    assert np.shares_memory(codes_at(codes, 10.0), codes[3])


def test_codes_at_blends_the_two_neighbours_in_float32(codes: np.ndarray) -> None:
    got = codes_at(codes, 1.25)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, codes[1] + 0.25 * (codes[2] - codes[1]), atol=1e-6)


def test_codes_at_into_a_buffer_equals_the_new_array(codes: np.ndarray) -> None:
    out = np.empty((50, 3), np.float32)
    for u in (0.0, 0.6, 2.0, 2.999, 3.0):
        assert codes_at(codes, u, out=out) is out
        np.testing.assert_array_equal(out, codes_at(codes, u))


def test_lerp_gives_points_between_the_ends() -> None:
    a, b = np.zeros(3, np.float32), np.array([2.0, 4.0, 6.0], np.float32)
    np.testing.assert_allclose(lerp(a, b, 0.5), [1.0, 2.0, 3.0])
    assert lerp(a, b, np.linspace(0.0, 1.0, 5)).shape == (5, 3)


def test_value_at_interpolates_steps_linearly() -> None:
    steps = np.array([0.0, 10.0, 30.0])
    assert value_at(steps, 1.5) == 20.0
    assert value_at(steps, 2.0) == 30.0
    assert value_at(steps, -4.0) == 0.0
