"""to_uint8: every view's 28x28 grey image from any image a run holds (a recording's may be larger, smaller, RGB)."""

from __future__ import annotations

import numpy as np
import pytest

from latent3d.qt.widgets.image_view import resample, to_uint8


def test_fashion_sized_images_are_unchanged() -> None:
    a = np.arange(784, dtype=np.int64).astype(np.uint8).reshape(28, 28)
    np.testing.assert_array_equal(to_uint8(a), a)
    np.testing.assert_array_equal(to_uint8(a.reshape(-1)), a)
    np.testing.assert_array_equal(to_uint8(np.full(784, 0.5, np.float32)), np.full((28, 28), 128, np.uint8))


def test_other_sizes_are_resampled_by_the_nearest_pixel() -> None:
    small = np.array([[0, 255], [100, 50]], np.uint8)
    out = to_uint8(small)
    assert out.shape == (28, 28)
    assert out[0, 0] == 0 and out[0, 27] == 255 and out[27, 0] == 100 and out[27, 27] == 50
    np.testing.assert_array_equal(to_uint8(small.reshape(-1)), out)  # a decoder's flat square output
    big = np.zeros((64, 64), np.uint8)
    big[:32] = 200
    assert (to_uint8(big)[:14] == 200).all() and (to_uint8(big)[14:] == 0).all()
    assert resample(np.ones((3, 5), np.uint8), 28).shape == (28, 28)


def test_colour_images_are_shown_by_their_luminance() -> None:
    rgb = np.zeros((32, 32, 3), np.uint8)
    rgb[..., 1] = 200  # green
    assert (to_uint8(rgb) == round(0.587 * 200)).all()


def test_a_flat_image_that_is_no_square_is_refused() -> None:
    with pytest.raises(ValueError, match="square number of values"):
        to_uint8(np.zeros(10, np.uint8))
