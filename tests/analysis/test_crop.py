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


def test_warp_shrinking_by_a_whole_factor_first_keeps_the_geometry():
    """A crop shrunk more than 3x (a face in a UHD frame) goes through a whole-factor box average over a region grown
    to a multiple of it: on ramps (x and y as values, whose area averages are their centres' values) every output
    pixel still reads the image point the map sends it to, in the frame's middle and against its far edges (within
    0.25 px: 0.17 measured; one fractional area average, within 0.1)."""
    height, width = 2160, 3840
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    ramps = np.dstack([xs, ys, np.zeros_like(xs)])
    for centre, angle in (((1923.3, 1011.7), 0.1), ((3650.2, 1990.4), -0.2)):
        region = FaceRegion(np.array(centre), 1401.0, angle)  # 1401 px -> 192: a 4x box first
        m = crop.region_matrix(region, 192)
        out = crop.warp(ramps, m, (192, 192))
        grid = np.stack(np.mgrid[0:192, 0:192][::-1], axis=-1).reshape(-1, 2).astype(np.float64)
        want = crop.apply_affine(crop.invert_affine(m), grid).reshape(192, 192, 2)
        inside = np.all((want > 20) & (want < [width - 21, height - 21]), axis=-1)
        assert inside.sum() > 192 * 192 // 8
        np.testing.assert_allclose(out[..., :2][inside], want[inside], atol=0.25)
