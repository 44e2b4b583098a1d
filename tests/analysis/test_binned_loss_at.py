"""The status bar's cached binned loss gives what binned_loss_at gives, at every step, on both axes."""

from __future__ import annotations

import numpy as np
import pytest

from latent3d.analysis.curves import BinnedLossAt, binned_loss_at


@pytest.mark.parametrize("axis", ["log", "linear"])
def test_cached_bins_equal_the_direct_computation(axis: str) -> None:
    rng = np.random.default_rng(0)
    loss = rng.random(2000).astype(np.float32)
    cached = BinnedLossAt(loss, axis)
    for step in (0, 0.4, 1, 2, 7.6, 99, 1234, 1999.5, 2000, 5000):
        direct = binned_loss_at(loss, step, axis)
        assert (cached(step) is None) == (direct is None)
        if direct is not None:
            assert cached(step) == pytest.approx(direct)
    assert BinnedLossAt(None, axis)(10) is None and BinnedLossAt(np.zeros(0), axis)(10) is None
