"""Piecewise-affine warp: moves content where asked, leaves the rest alone, fades out seamlessly."""

from __future__ import annotations

import numpy as np
import pytest
from skimage.data import astronaut

from ned_core.exceptions import ShapeError, TriangulationError
from ned_core.render.warp import (
    add_fade_ring,
    affine_field,
    backward_map,
    destination_triangles,
    mesh_box,
    rasterise_triangles,
    triangle_affines,
    triangulate,
    warp_image,
)


def _grid(x0: float, y0: float, x1: float, y1: float, step: float) -> np.ndarray:
    xs, ys = np.meshgrid(np.arange(x0, x1 + 1e-6, step), np.arange(y0, y1 + 1e-6, step))
    return np.stack([xs.ravel(), ys.ravel()], axis=1)


@pytest.fixture(scope="module")
def image() -> np.ndarray:
    return astronaut().astype(np.float32) / 255.0


def test_moved_patch_is_a_translated_copy_and_far_pixels_are_untouched(image: np.ndarray) -> None:
    src = _grid(160, 60, 320, 220, 20)
    dst = src.copy()
    moved = np.all((src >= (220, 120)) & (src <= (260, 160)), axis=1)  # a 3x3 block of points
    dst[moved] += (7, 4)
    src_ext, dst_ext = add_fade_ring(src, dst, margin=40)
    out = warp_image(image, src_ext, dst_ext, triangulate(dst_ext))
    # inside the moved block the warp is a pure translation: content at (x, y) now sits at (x+7, y+4)
    np.testing.assert_allclose(out[124:164, 227:267], image[120:160, 220:260], atol=1e-5)
    # beyond the fade ring nothing changes, bit for bit
    x0, y0, x1, y1 = mesh_box(dst_ext, image.shape[1], image.shape[0])
    far = np.ones(image.shape[:2], bool)
    far[y0:y1, x0:x1] = False
    assert np.array_equal(out[far], image[far])
    assert not np.allclose(out, image)


def test_identity_warp_is_exact_and_keeps_dtype() -> None:
    img = astronaut()
    pts = _grid(100, 100, 400, 400, 37)
    src_ext, dst_ext = add_fade_ring(pts, pts, margin=30)
    out = warp_image(img, src_ext, dst_ext, triangulate(dst_ext))
    assert out.dtype == np.uint8 and out.shape == img.shape
    assert np.array_equal(out, img)


def test_fade_is_seamless(image: np.ndarray) -> None:
    src = _grid(180, 80, 300, 200, 15)
    dst = src + (6.0, -5.0)  # the whole face shifts by ~8 px
    src_ext, dst_ext = add_fade_ring(src, dst, margin=60, rings=3)
    box = mesh_box(dst_ext, image.shape[1], image.shape[0])
    field = backward_map(src_ext, dst_ext, triangulate(dst_ext), box)
    xs = np.arange(box[0], box[2])[None, :]
    ys = np.arange(box[1], box[3])[:, None]
    disp = np.hypot(field.map_x - xs, field.map_y - ys)
    # continuous field: neighbouring pixels' displacements differ by a small fraction of a pixel
    assert np.abs(np.diff(disp, axis=0)).max() < 0.5
    assert np.abs(np.diff(disp, axis=1)).max() < 0.5
    # at the fade boundary (covered pixels next to uncovered ones) the displacement is ~0
    edge = field.inside & ~np.pad(field.inside, 1, constant_values=False)[1:-1, 2:]
    assert edge.any() and disp[edge].max() < 0.2
    # no gradient spike in the warped image at the boundary: its gradients stay those of a source
    out = warp_image(image, src_ext, dst_ext, triangulate(dst_ext))
    grad_out = np.abs(np.diff(out, axis=1)).max(axis=2)[:, :-1]
    grad_src = np.abs(np.diff(image, axis=1)).max(axis=2)[:, :-1]
    sub = (slice(box[1], box[3]), slice(box[0], box[2] - 1))
    ring_edge = edge[:, :-1]
    assert grad_out[sub][ring_edge].max() <= grad_src.max()
    assert np.abs(out[sub][ring_edge] - image[sub][ring_edge]).max() < 0.05


def test_degenerate_inputs_raise_clear_errors(image: np.ndarray) -> None:
    line = np.stack([np.arange(5.0), np.arange(5.0)], axis=1)
    with pytest.raises(TriangulationError, match="collinear"):
        triangulate(line)
    with pytest.raises(TriangulationError, match="margin"):
        add_fade_ring(_grid(0, 0, 10, 10, 5), _grid(0, 0, 10, 10, 5), margin=0)
    pts = _grid(100, 100, 200, 200, 50)
    with pytest.raises(ShapeError, match="triangles"):
        warp_image(image, pts, pts, np.array([[0, 1, 99]]))
    with pytest.raises(ShapeError, match="dst_points"):
        warp_image(image, pts, pts[:-1], triangulate(pts))
    with pytest.raises(ShapeError, match="dst_points"):
        add_fade_ring(pts, pts[:-1], margin=5)


def test_rasterise_triangles_labels_each_pixel_centre_with_its_triangle_later_ones_winning():
    # two triangles of a square (ids 0, 1) and a third (id 2) drawn over part of both; box offset from the origin
    points = np.array([[12.0, 7.0], [42.0, 7.0], [42.0, 37.0], [12.0, 37.0], [20.0, 15.0], [34.0, 15.0],
                       [27.0, 29.0]])
    triangles = np.array([[0, 1, 2], [0, 2, 3], [4, 5, 6]])
    box = (10, 5, 50, 45)
    ids = rasterise_triangles(points, triangles, box)
    assert ids.shape == (40, 40) and ids.dtype == np.int32
    assert (np.unique(ids) == [-1, 0, 1, 2]).all()
    x, y = 30 - box[0], 10 - box[1]  # inside triangle 0 only (above the diagonal, outside triangle 2)
    assert ids[y, x] == 0
    assert ids[33 - box[1], 15 - box[0]] == 1  # below the diagonal
    assert ids[20 - box[1], 27 - box[0]] == 2  # inside the third: drawn last, it wins
    assert ids[40 - box[1], 45 - box[0]] == -1 and ids[0, 0] == -1  # outside the square
    assert ((ids >= 0).sum() - 30 * 30) < 2 * 31 + 1  # the square's area, give or take its edge pixels


def test_a_triangle_squeezed_flat_samples_next_to_itself_not_far_away():
    # a 20 px square fanned from its centre; the target pulls the centre down to 0.02 px off the top edge, which
    # lies between two pixel rows: the top triangle (drawn last) is a sliver of 0.2 px^2 whose edge pixels the
    # exact inverse affine would send 0.5 px * 500 = 250 px down into the source
    src = np.array([[0.5, 0.5], [20.5, 0.5], [20.5, 20.5], [0.5, 20.5], [10.5, 10.5]])
    dst = src.copy()
    dst[4] = (10.5, 0.52)
    triangles = np.array([[1, 2, 4], [2, 3, 4], [3, 0, 4], [0, 1, 4]])
    field = backward_map(src, dst, triangles, (0, 0, 22, 22))
    drawn = rasterise_triangles(dst, triangles, (0, 0, 22, 22)) == 3
    assert drawn.any()  # the sliver does claim pixels
    # every covered pixel samples the source inside the square, give or take a pixel
    for sampled in (field.map_x[field.inside], field.map_y[field.inside]):
        assert sampled.min() >= -0.5 and sampled.max() <= 21.5


def test_a_destination_computed_once_gives_the_same_maps_for_every_subset_and_source():
    # a jittered grid with a degenerate (zero-area) triangle and a sliver among its triangles
    rng = np.random.default_rng(3)
    dst = _grid(0, 0, 60, 60, 10) + rng.uniform(-2, 2, (49, 2))
    triangles = triangulate(dst)
    dst = np.vstack([dst, dst[triangles[0, :2]].mean(axis=0, keepdims=True)])  # on an edge: a flat triangle
    triangles = np.vstack([[[triangles[0, 0], triangles[0, 1], len(dst) - 1]], triangles])
    destination = destination_triangles(dst, triangles)
    assert not destination.valid.all()
    for seed in range(3):
        src = dst + np.random.default_rng(seed).normal(0, 1.5, dst.shape)
        for keep in (np.ones(len(triangles), bool), rng.random(len(triangles)) < 0.4):
            alone = backward_map(src, dst, triangles[keep], (5, 5, 50, 45))
            shared = backward_map(src, dst, triangles[keep], (5, 5, 50, 45), destination.subset(keep))
            for a, b in zip((alone.map_x, alone.map_y, alone.inside), (shared.map_x, shared.map_y, shared.inside)):
                np.testing.assert_array_equal(a, b)
        affines, valid = triangle_affines(src, dst, triangles, destination)
        ids = rasterise_triangles(dst, triangles[valid], (0, 0, 61, 61))
        np.testing.assert_array_equal(affine_field(affines[valid], ids, (0, 0, 61, 61)).map_x,
                                      backward_map(src, dst, triangles, (0, 0, 61, 61)).map_x)
