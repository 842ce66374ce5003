"""Patch motion (evaluate.patch_motion): content moved by a known sub-pixel shift is found where it went."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from ned_core.evaluate.patch_motion import patch_motion
from ned_core.exceptions import ShapeError
from ned_core.synthetic import sample_photo


def test_a_known_sub_pixel_shift_of_a_real_face_is_measured_to_a_quarter_of_a_pixel():
    photo = sample_photo("astronaut")
    shift = (1.6, -2.4)
    moved = cv2.warpAffine(photo, np.float32([[1, 0, shift[0]], [0, 1, shift[1]]]), photo.shape[1::-1],
                           flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT)
    # the inner brow heads, an eye's outer corner and the nose tip (the face's IOD is 43 px), patches as the render
    # tests use them (0.12 x 0.06 IOD half-sizes)
    points = np.array([[216.0, 91.0], [235.0, 92.0], [194.0, 101.0], [223.0, 130.0]])
    found = patch_motion(photo, moved, points, (5, 3), 8)
    assert np.abs(found - shift).max() < 0.25, found  # measured 0.24 (0.6 matched without upsampling); 0.006 IOD
    assert np.abs(patch_motion(photo, photo, points, (5, 3), 8)).max() < 0.02  # the parabola, 0.012


def test_a_patch_past_the_edge_is_nan_and_mismatched_frames_are_refused():
    photo = sample_photo("astronaut")
    found = patch_motion(photo, photo, np.array([[3.0, 3.0], [200.0, 200.0]]), (8, 5), 6)
    assert np.isnan(found[0]).all() and np.isfinite(found[1]).all()
    with pytest.raises(ShapeError):
        patch_motion(photo, photo[:-1], np.zeros((1, 2)), (8, 5), 6)


def test_an_edge_moved_across_itself_is_found_by_a_search_along_that_axis_only():
    """A patch on a straight horizontal edge matches anywhere along it (the aperture problem): searched both ways
    its best match lies at the window's side (nan); searched down only, the edge's 1.5 px rise is found."""
    source, result = (_edge(at) for at in (32.0, 30.5))
    points = np.array([[32.0, 32.0]])
    assert np.isnan(patch_motion(source, result, points, (3, 1), 4)).all()
    found = patch_motion(source, result, points, (3, 1), (0, 4))
    assert found[0, 0] == 0.0 and abs(found[0, 1] + 1.5) < 0.1, found


def _edge(at: float) -> np.ndarray:
    """``(64, 64, 3) uint8`` dark above a soft horizontal edge at row ``at``, light below."""
    rows = np.arange(64, dtype=np.float64)[:, None, None]
    return np.round(40 + 160 / (1 + np.exp(-(rows - at) * 1.5))).astype(np.uint8).repeat(64, 1).repeat(3, 2)
