"""The one 3-D projection of a D-dimensional recording: PCA of the last snapshot, padding, the folded decoder."""

from __future__ import annotations

import numpy as np
import pytest

from latent3d.analysis.decoder import NumpyDecoder
from latent3d.analysis.projection import fit_projection, fold_into_first_layer


def test_pca_keeps_the_three_leading_axes_with_fixed_signs() -> None:
    rng = np.random.default_rng(0)
    scales = np.array([10.0, 5.0, 2.0, 0.5, 0.1, 0.1])
    basis, _ = np.linalg.qr(rng.normal(size=(6, 6)))
    x = (rng.normal(size=(4000, 6)) * scales) @ basis.T + 3.0
    p = fit_projection(x.astype(np.float32), fitted_on=7)
    assert p.kind == "pca" and p.source_dim == 6 and p.fitted_on == 7
    np.testing.assert_allclose(np.abs(p.components @ basis[:, :3]), np.eye(3), atol=0.02)
    var = scales**2
    np.testing.assert_allclose(p.explained, var[:3] / var.sum(), rtol=0.05)
    assert p.describe() == f"PCA of 6-D, {100 * var[:3].sum() / var.sum():.0f} % of the variance"
    z = p.apply(x)
    assert z.dtype == np.float32 and z.shape == (4000, 3)
    np.testing.assert_allclose(z.mean(axis=0), 0, atol=1e-3)
    assert (z.var(axis=0)[:-1] >= z.var(axis=0)[1:]).all()
    flipped = fit_projection(-x)  # the same cloud mirrored: each axis's largest loading stays positive
    assert (flipped.components[np.arange(3), np.argmax(np.abs(flipped.components), axis=1)] > 0).all()


def test_one_map_for_every_snapshot_and_chunks_agree() -> None:
    rng = np.random.default_rng(1)
    snaps = rng.normal(size=(4, 300, 9)).astype(np.float32)
    p = fit_projection(snaps[-1])
    whole = p.apply(snaps)
    assert whole.shape == (4, 300, 3)
    np.testing.assert_allclose(whole[1], p.apply(snaps[1]), atol=1e-6)
    np.testing.assert_allclose(whole[0], (snaps[0].astype(np.float64) - p.mean) @ p.components.T, atol=1e-5)


@pytest.mark.parametrize("d", [1, 2])
def test_narrow_embeddings_are_padded(d: int) -> None:
    x = np.random.default_rng(2).normal(size=(50, d))
    p = fit_projection(x)
    z = p.apply(x)
    np.testing.assert_allclose(z[:, :d], x, atol=1e-6)
    assert (z[:, d:] == 0).all() and p.kind == "pad" and p.explained_total == pytest.approx(1.0)
    assert p.describe() == ("1-D, drawn with y and z = 0" if d == 1 else "2-D, drawn with z = 0")


def test_three_dimensions_need_no_projection() -> None:
    with pytest.raises(ValueError, match="drawn as it is"):
        fit_projection(np.zeros((5, 3)))


def test_a_folded_decoder_decodes_the_point_a_code_stands_for() -> None:
    rng = np.random.default_rng(3)
    layers = [(rng.normal(size=(16, 7)), rng.normal(size=16)), (rng.normal(size=(9, 16)), rng.normal(size=9))]
    p = fit_projection(rng.normal(size=(200, 7)))
    z3 = rng.normal(size=(5, 3)).astype(np.float32)
    a, c = p.to_source()
    back = (z3.astype(np.float64) @ a.T + c).astype(np.float32)
    np.testing.assert_allclose(NumpyDecoder(fold_into_first_layer(layers, p))(z3), NumpyDecoder(layers)(back),
                               atol=1e-5)
