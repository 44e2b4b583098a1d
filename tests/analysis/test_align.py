"""Alignment maths: Procrustes with scale recovers a known similarity; run alignments; the cache."""

from __future__ import annotations

import numpy as np
import pytest

from latent3d.analysis.align import (
    RunAlignment,
    Similarity,
    alignment_of,
    movement_beyond_alignment,
    procrustes,
    to_snapshot_codes,
)


def _random_orthogonal(rng: np.random.Generator, reflect: bool) -> np.ndarray:
    q, _ = np.linalg.qr(rng.standard_normal((3, 3)))
    if (np.linalg.det(q) < 0) != reflect:
        q[:, 0] *= -1
    return q


@pytest.mark.parametrize("reflect", [False, True])
def test_procrustes_recovers_rotation_reflection_scale_and_shift(reflect: bool) -> None:
    rng = np.random.default_rng(3)
    x = rng.standard_normal((500, 3)) * [3.0, 1.0, 0.5]
    r = _random_orthogonal(rng, reflect)
    known = Similarity(r, 2.5, np.array([1.0, -4.0, 0.25]))
    y = known.apply(x)
    fit, residual = procrustes(x, y)
    assert residual == pytest.approx(0.0, abs=1e-5)
    np.testing.assert_allclose(fit.rotation, r, atol=1e-5)
    assert fit.scale == pytest.approx(2.5, rel=1e-5)
    np.testing.assert_allclose(fit.shift, known.shift, atol=1e-4)
    assert np.linalg.det(fit.rotation) == pytest.approx(-1.0 if reflect else 1.0, abs=1e-6)


def test_invert_undoes_apply_and_to_snapshot_codes() -> None:
    rng = np.random.default_rng(1)
    t = Similarity(_random_orthogonal(rng, True), 0.3, np.array([5.0, 6.0, 7.0]))
    p = rng.standard_normal((20, 3)).astype(np.float32)
    np.testing.assert_allclose(t.invert(t.apply(p)), p, atol=1e-5)
    np.testing.assert_allclose(to_snapshot_codes(t.apply(p[0]), t), p[0], atol=1e-5)
    np.testing.assert_array_equal(to_snapshot_codes(p, None), p)


def test_unrelated_points_leave_a_residual_near_one_and_a_point_cloud_only_a_shift() -> None:
    rng = np.random.default_rng(2)
    _, residual = procrustes(rng.standard_normal((4000, 3)), rng.standard_normal((4000, 3)))
    assert 0.9 < residual <= 1.0
    t, _ = procrustes(np.ones((10, 3)), rng.standard_normal((10, 3)))
    assert t.scale == 1.0
    with pytest.raises(ValueError, match="same shape"):
        procrustes(np.zeros((3, 3)), np.zeros((4, 3)))


def _run_codes(seed: int = 0) -> tuple[np.ndarray, list[Similarity]]:
    """A run whose snapshots are the final codes moved by known similarities (plus the final itself)."""
    rng = np.random.default_rng(seed)
    final = rng.standard_normal((300, 3)).astype(np.float32) * [2.0, 1.0, 0.5]
    moves = [Similarity(_random_orthogonal(rng, i % 2 == 1), 0.5 + i, rng.standard_normal(3)) for i in range(4)]
    codes = np.stack([m.apply(final) for m in moves] + [final]).astype(np.float32)
    return codes, moves


@pytest.mark.parametrize("mode", ["final", "previous"])
def test_run_alignment_maps_every_snapshot_onto_the_final_one(mode: str) -> None:
    codes, _ = _run_codes()
    alignment = RunAlignment(codes)
    aligned = alignment.codes(mode)
    assert aligned.shape == codes.shape and not aligned.flags.writeable
    for s in range(len(codes)):
        np.testing.assert_allclose(aligned[s], codes[-1], atol=1e-4)
        # decoding stays exact: the drawn point goes back to the snapshot's own code
        np.testing.assert_allclose(to_snapshot_codes(aligned[s, 7], alignment.transform(mode, s)), codes[s, 7],
                                   atol=1e-4)
    assert np.all(alignment.residuals(mode) < 1e-5)
    assert alignment.codes("none") is codes and alignment.transform("none", 1) is None


def test_previous_differs_from_final_when_snapshots_change_shape() -> None:
    codes, _ = _run_codes()
    codes = codes.copy()
    codes[0] += np.random.default_rng(5).standard_normal(codes[0].shape).astype(np.float32)
    codes[1] += np.random.default_rng(6).standard_normal(codes[1].shape).astype(np.float32) * 0.1
    a = RunAlignment(codes)
    assert not np.allclose(a.codes("final")[0], a.codes("previous")[0], atol=1e-3)
    with pytest.raises(ValueError, match="Unknown alignment"):
        a.codes("sideways")


def test_movement_beyond_alignment_is_zero_for_a_pure_similarity() -> None:
    codes, _ = _run_codes()
    np.testing.assert_allclose(movement_beyond_alignment(codes, 2), 0.0, atol=1e-4)
    assert np.all(movement_beyond_alignment(codes, 0) == 0)
    raw = np.linalg.norm(codes[2] - codes[1], axis=1)
    assert raw.mean() > 0.5


def test_alignment_of_caches_per_codes_array() -> None:
    codes, _ = _run_codes()
    a = alignment_of(codes)
    assert alignment_of(codes) is a
    assert alignment_of(codes.copy()) is not a


def test_alignment_recovers_a_known_similarity_applied_to_a_runs_codes(tmp_path) -> None:  # noqa: ANN001
    from latent3d.runs import load_run
    from tests.support.scene_fixtures import make_run

    run = load_run(make_run(tmp_path / "r", n=500, epochs=2))
    rng = np.random.default_rng(7)
    known = Similarity(_random_orthogonal(rng, reflect=True), 0.4, np.array([2.0, -3.0, 5.0]))
    codes = run.codes.copy()
    codes[0] = known.apply(codes[-1])  # snapshot 0: the final codes reflected, rotated, scaled and shifted
    alignment = RunAlignment(codes)
    assert alignment.residuals("final")[0] == pytest.approx(0.0, abs=1e-5)
    np.testing.assert_allclose(alignment.codes("final")[0], codes[-1], atol=1e-4)
    fit = alignment.transform("final", 0)
    assert fit is not None and fit.scale == pytest.approx(1 / 0.4, rel=1e-4)
