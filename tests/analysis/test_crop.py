"""Affine views: rotated regions, letterbox, tiles, and the anti-aliased warp."""

from __future__ import annotations

import math

import numpy as np

from ned_core.analysis import crop
from ned_core.analysis.types import FaceRegion


def test_region_matrix_puts_the_face_upright_in_the_crop_centre():
    region = FaceRegion(np.array([300.0, 200.0]), 100.0, math.radians(30))
    m = crop.region_matrix(region, 192)
    np.testing.assert_allclose(crop.apply_affine(m, region.center), [95.5, 95.5])
    eye_line = np.array([math.cos(region.angle), math.sin(region.angle)])
    mapped = crop.apply_affine(m, region.center + 10 * eye_line) - crop.apply_affine(m, region.center)
    np.testing.assert_allclose(mapped, [19.2, 0.0], atol=1e-9)
    back = crop.invert_affine(m)
    np.testing.assert_allclose(crop.apply_affine(back, crop.apply_affine(m, np.array([[1.0, 2.0]]))), [[1.0, 2.0]])


def test_letterbox_fits_the_whole_image_and_tiles_cover_it():
    m = crop.letterbox_matrix(1920, 1080, 192)
    corners = crop.apply_affine(m, np.array([[-0.5, -0.5], [1919.5, 1079.5]]))
    np.testing.assert_allclose(corners[:, 0], [-0.5, 191.5])
    assert corners[0, 1] > 0 and corners[1, 1] < 192
    tiles = crop.tile_regions(1920, 1080, 600)
    xs = sorted({t.center[0] for t in tiles})
    ys = sorted({t.center[1] for t in tiles})
    assert xs[0] - 300 <= 0 and xs[-1] + 300 >= 1920 and ys[0] - 300 <= 0 and ys[-1] + 300 >= 1080
    assert all(b - a <= 600 * 0.75 + 1e-6 for a, b in zip(xs, xs[1:]))


def test_warp_area_averages_when_shrinking():
    stripes = np.zeros((1000, 1000, 3), np.uint8)
    stripes[:, ::2] = 255  # one-pixel stripes alias badly under plain bilinear sampling
    small = crop.warp(stripes, crop.letterbox_matrix(1000, 1000, 100), (100, 100))
    assert abs(float(small[5:-5, 5:-5].mean()) - 127.5) < 3 and float(small[5:-5, 5:-5].std()) < 10
    identity = crop.region_matrix(FaceRegion(np.array([499.5, 499.5]), 1000.0, 0.0), 1000)
    upright = crop.warp(stripes, identity, (1000, 1000))
    np.testing.assert_array_equal(upright, stripes)
