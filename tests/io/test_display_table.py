"""The display codes of large float pictures by table (``io/display_table``) against OpenColorIO's own path."""

from __future__ import annotations

import numpy as np
import PyOpenColorIO as ocio
import pytest

from ned_core.io.colour import ColourTransforms, _apply_float, quantise8
from ned_core.io.display_table import display_table

SRGB = "sRGB Encoded Rec.709 (sRGB)"


@pytest.fixture(scope="module")
def transforms() -> ColourTransforms:
    return ColourTransforms()


def _ocio_codes(transforms: ColourTransforms, rgb: np.ndarray) -> np.ndarray:
    """What ``to_srgb8`` gave before the table: OCIO's display processor, then ``quantise8``."""
    out = rgb.copy()
    _apply_float(transforms.display_processor("ACEScg"), out)
    with np.errstate(invalid="ignore"):
        return quantise8(out)


def test_large_pictures_take_their_codes_from_the_table_within_one_of_ocio(transforms):
    """A 1080p scene-linear picture of continuous values (shadows to highlights over 1): every code within one of
    OCIO's, and under 1 in 10^5 off at all (a table without its marked runs is off on ~1 in 2000); a picture made
    from 8-bit sRGB codes (as the benchmark's and most test sequences are) comes back exactly."""
    rng = np.random.default_rng(3)
    scene = np.exp(rng.uniform(np.log(1e-4), np.log(3.0), (1080, 1920, 3))).astype(np.float32)
    table = transforms._display_table("ACEScg")
    assert table is not None
    codes = transforms.to_srgb8(scene.copy(), "ACEScg")
    assert np.array_equal(codes, table.apply(scene))
    moved = np.abs(codes.astype(int) - _ocio_codes(transforms, scene))
    assert moved.max() <= 1 and (moved > 0).mean() < 1e-5
    srgb = rng.integers(0, 256, (1080, 1920, 3)).astype(np.uint8)
    linear = transforms.convert(srgb.astype(np.float32) / np.float32(255), SRGB, "ACEScg")
    assert np.array_equal(transforms.to_srgb8(linear, "ACEScg"), srgb)


def test_infinities_nans_and_out_of_range_values_get_ocios_codes(transforms):
    """Values a table run shares with NaNs (the infinities), negative and above-white values, NaN, zero: the codes
    OCIO's path gives them, in a picture large enough to take the table."""
    specials = np.array([[np.inf, -np.inf, np.nan], [-1.0, 8.0, np.inf], [0.0, -0.0, 1e-30], [65504.0, 0.18, -1e-3]],
                        np.float32)
    picture = np.full((512, 512, 3), 0.18, np.float32)
    picture[0, :4] = specials
    codes = transforms.to_srgb8(picture.copy(), "ACEScg")
    assert np.array_equal(codes[0, :4], _ocio_codes(transforms, picture)[0, :4])
    assert codes[0, :4].tolist() == [[0, 0, 0], [0, 0, 255], [0, 0, 0], [255, 0, 0]]


def test_transforms_that_are_not_a_matrix_then_one_curve_have_no_table(transforms):
    """Channels mixed after the curve, or a curve that differs between channels: no table (OCIO's path is taken)."""
    config = ocio.Config.CreateFromFile("ocio://default")
    matrix = ocio.MatrixTransform([1.2, -0.1, -0.1, 0, -0.1, 1.2, -0.1, 0, -0.1, -0.1, 1.2, 0, 0, 0, 0, 1])
    curve = ocio.ExponentWithLinearTransform([2.4, 2.4, 2.4, 1], [0.055, 0.055, 0.055, 0],
                                             direction=ocio.TRANSFORM_DIR_INVERSE)
    uneven = ocio.ExponentTransform([2.2, 2.4, 2.6, 1.0], direction=ocio.TRANSFORM_DIR_INVERSE)

    def table_of(*steps: ocio.Transform):
        return display_table(config, config.getProcessor(ocio.GroupTransform(list(steps))), quantise8)

    assert table_of(matrix, curve) is not None
    assert table_of(curve, matrix) is None
    assert table_of(matrix, uneven) is None
