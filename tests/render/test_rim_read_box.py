"""``rim_read_box``: the spectacle rims found in only that part of a frame are the whole frame's, to the bit (the
renderer's set-up reads only that part of its rim sample frames, not the face's window)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from ned_core.analysis import analyze_image
from ned_core.render.glasses import rim_mask, rim_read_box, rim_vote
from ned_core.synthetic import sample_photo

from .conftest import to_linear


@pytest.fixture(scope="module")
def hopper(analysis_config, mesh_models) -> tuple[np.ndarray, np.ndarray]:
    """``(frame (H, W, 3) float32 linear, landmarks (478, 3))`` of Grace Hopper (her browline frame)."""
    photo = sample_photo("grace_hopper")
    return to_linear(photo), analyze_image(photo, analysis_config, mesh_models)[0].landmarks


@pytest.mark.parametrize("scale, dx, dy", [(1.0, 0.0, 0.0), (1.0, 13.6, 5.2), (2.0, -3.3, 7.7)])
def test_the_rims_of_the_read_box_alone_are_the_whole_frame_s(hopper, scale, dx, dy):
    """The vote (and the rims' own window) of the part alone, landmarks moved by its origin in float32 as the renderer
    moves them, is the whole frame's to the bit, at the photo's size and twice it (a UHD close-up's face); a box one
    pixel short on the right or at the bottom is not (``rim_mask`` looks at all of it)."""
    frame, landmarks = hopper
    m = np.float32([[scale, 0, dx], [0, scale, dy]])
    size = (int(frame.shape[1] * scale), int(frame.shape[0] * scale))
    moved = cv2.warpAffine(frame, m, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    lm = (landmarks * np.float32([scale, scale, scale]) + np.float32([dx, dy, 0.0])).astype(np.float32)
    whole, found = rim_vote(moved, lm), rim_mask(moved, lm)
    assert whole is not None and found is not None, "Grace Hopper's glasses were not found"
    x0, y0, x1, y1 = rim_read_box(lm, moved.shape[:2])
    assert found[0] == (x0, y0, x1, y1)
    local = lm - np.float32([x0, y0, 0.0])
    np.testing.assert_array_equal(rim_vote(np.ascontiguousarray(moved[y0:y1, x0:x1]), local), whole)
    for short in (moved[y0:y1, x0:x1 - 1], moved[y0:y1 - 1, x0:x1]):
        assert not np.array_equal(rim_vote(np.ascontiguousarray(short), local), whole)
