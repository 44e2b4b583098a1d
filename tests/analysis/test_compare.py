"""Comparing two runs: shared images, matched positions, alignment residual, neighbour agreement."""

from __future__ import annotations

import numpy as np
import pytest

from latent3d.analysis.align import Similarity
from latent3d.analysis.compare import (
    MIN_SHARED,
    Comparison,
    knn_indices,
    neighbour_agreement,
    shared_images,
)


def _codes(seed: int = 0, s: int = 3, n: int = 800) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.standard_normal((s, n, 3)).astype(np.float32)


def test_shared_images_is_the_common_prefix_when_labels_agree() -> None:
    labels = np.arange(500) % 10
    assert shared_images(labels, labels[:300]) == 300
    other = labels.copy()
    other[5] = 9 - other[5]
    assert shared_images(labels, other) == 0


def test_too_few_shared_images_is_one_sentence() -> None:
    with pytest.raises(ValueError, match=f"share 50 test images; comparing them needs at least {MIN_SHARED}"):
        Comparison(np.array([0.0, 1.0]), np.array([0.0, 1.0]), _codes(), 50)


def test_knn_leaves_the_point_out_and_agreement_with_itself_is_one() -> None:
    pts = _codes()[0]
    knn = knn_indices(pts)
    assert knn.shape == (len(pts), 10)
    assert not (knn == np.arange(len(pts))[:, None]).any()
    assert np.all(neighbour_agreement(knn, knn) == 1.0)


def test_agreement_with_a_shuffled_copy_is_near_chance() -> None:
    pts = _codes(n=3000)[0]
    shuffled = pts[np.random.default_rng(1).permutation(len(pts))]  # image i gets another image's code
    mean = float(neighbour_agreement(knn_indices(pts), knn_indices(shuffled)).mean())
    assert mean < 5 * 10 / (len(pts) - 1)


def test_a_similar_copy_aligns_with_zero_residual_and_full_agreement() -> None:
    a = _codes()
    q, _ = np.linalg.qr(np.random.default_rng(2).standard_normal((3, 3)))
    move = Similarity(q, 3.0, np.array([1.0, 2.0, 3.0]))
    b = np.stack([move.apply(x) for x in a])
    epochs = np.array([0.0, 0.5, 1.0])
    cmp = Comparison(epochs, epochs, b, 800)
    at = cmp.at(1.0, a[1])
    assert at.position == pytest.approx(1.0) and at.residual == pytest.approx(0.0, abs=1e-5)
    np.testing.assert_allclose(at.codes, a[1], atol=1e-4)
    np.testing.assert_allclose(cmp.agreement_curve(a), 1.0)
    rows = cmp.report(a, np.array([0, 5, 10]))
    assert [r["step"] for r in rows] == [0, 5, 10]
    assert set(rows[0]) == {"step", "epoch", "residual", "neighbour_agreement"}
    assert all(r["residual"] < 1e-5 and r["neighbour_agreement"] == 1.0 for r in rows)


def test_positions_are_matched_by_epoch() -> None:
    cmp = Comparison(np.array([0.0, 0.5, 1.0, 2.0]), np.array([0.0, 1.0, 2.0, 3.0]), _codes(s=4), 800)
    assert cmp.position_b(1.0) == pytest.approx(0.5)  # epoch 0.5 lies halfway to the second run's epoch 1
    assert cmp.position_b(3.0) == pytest.approx(2.0)
    assert cmp.shared_snapshots() == [(0, 0), (2, 1), (3, 2)]


def test_knn_of_some_rows_matches_the_full_query_and_the_sampled_curve_the_full_mean() -> None:
    a = _codes(s=2, n=3000)
    rows = np.array([0, 17, 2999])
    some, every = knn_indices(a[0], rows=rows), knn_indices(a[0])
    np.testing.assert_array_equal(np.sort(some, axis=1), np.sort(every[rows], axis=1))
    b = a + np.random.default_rng(3).normal(0, 0.3, a.shape).astype(np.float32)
    cmp = Comparison(np.array([0.0, 1.0]), np.array([0.0, 1.0]), b, 3000)
    sampled = cmp.agreement_curve(a, sample=1000)
    full = [float(cmp.agreement(a, s).mean()) for s in range(2)]
    np.testing.assert_allclose(sampled, full, atol=0.03)
    assert 0.05 < full[0] < 0.95
