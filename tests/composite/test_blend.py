"""Laplacian multi-band blending: exact where the images agree, mask-weighted, smooth across the seam."""

from __future__ import annotations

import numpy as np
import pytest
import skimage.data

from ned_core.composite import blend_difference, laplacian_blend
from ned_core.composite.blend import channel_weighted, max_levels
from ned_core.exceptions import ShapeError


@pytest.fixture(scope="module")
def image() -> np.ndarray:
    return (skimage.data.astronaut() / 255.0).astype(np.float32) * 4.0  # scene-linear values above 1 are kept


@pytest.mark.parametrize("levels", [1, 3, 6])
def test_blending_an_image_with_itself_returns_it(image, levels) -> None:
    mask = np.random.default_rng(0).random(image.shape[:2]).astype(np.float32)
    np.testing.assert_array_equal(laplacian_blend(image, image, mask, levels), image)


def test_mask_selects_and_the_seam_is_smooth(image) -> None:
    dark = image * 0.5
    mask = np.zeros(image.shape[:2], np.float32)
    mask[:, :256] = 1.0  # hard mask: left = image, right = dark
    out = laplacian_blend(image, dark, mask, 5)
    np.testing.assert_allclose(out[:, :150], image[:, :150], atol=1e-3)
    np.testing.assert_allclose(out[:, 360:], dark[:, 360:], atol=1e-3)
    # across the seam the brightness ratio goes from 1 to 0.5 gradually, not in one step
    ratio = out[100:400, 200:312].mean(axis=(0, 2)) / image[100:400, 200:312].mean(axis=(0, 2))
    assert np.all(np.abs(np.diff(ratio)) < 0.1)
    assert ratio[0] > 0.95 and ratio[-1] < 0.55


def test_difference_form_and_level_limit(image) -> None:
    mask = np.full(image.shape[:2], 0.25, np.float32)
    np.testing.assert_allclose(blend_difference(image, mask, 4), 0.25 * image, atol=1e-5)
    assert max_levels(512, 512, room=1000, levels=5) == 5
    assert max_levels(512, 512, room=13, levels=5) == 3  # 3 * 2**2 = 12 <= 13 < 24
    assert max_levels(12, 512, room=1000, levels=5) == 2  # the coarsest level stays >= 4 px


def test_shape_mismatch_is_reported(image) -> None:
    with pytest.raises(ShapeError, match="base"):
        laplacian_blend(image, image[:10], np.ones(image.shape[:2], np.float32), 3)


@pytest.mark.parametrize("shape", [(37, 41), (37, 41, 1), (37, 41, 3), (37, 41, 4), (37, 41, 6)])
def test_channel_weighting_is_numpys_broadcast_to_the_bit(shape) -> None:
    """Each channel times the mask, whatever the channel count (RGB blend bands, RGBA plates and layers), in place too."""
    rng = np.random.default_rng(7)
    image = (rng.standard_normal(shape) * 10.0 ** rng.uniform(-3, 3, shape)).astype(np.float32)
    mask = rng.random(shape[:2], dtype=np.float32)
    expected = image * (mask[..., None] if image.ndim == 3 else mask)
    assert np.array_equal(channel_weighted(mask, image), expected)
    into = image.copy()
    assert channel_weighted(mask, into, out=into) is into and np.array_equal(into, expected)
