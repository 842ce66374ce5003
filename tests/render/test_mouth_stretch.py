"""A lip stretch flattens the mouth: the smile's upturned corners come down to the middle of the opening."""

from __future__ import annotations

import numpy as np
import pytest

from ned_core.render.mouth_index import template_from_image
from ned_core.render.mouth_stretch import CORNERS, LIP_MIDDLE, stretch_corners


def _template(landmarks: np.ndarray) -> np.ndarray:
    m = template_from_image(landmarks[:, :2])
    return landmarks[:, :2].astype(np.float64) @ m[:, :2].T + m[:, 2]


def _corners_above_middle(landmarks: np.ndarray) -> float:
    """Mean height (IOD) of the mouth corners above the middle of the lips' opening (pose-normalised)."""
    pts = _template(landmarks)
    return float(pts[list(LIP_MIDDLE), 1].mean() - pts[list(CORNERS), 1].mean())


def test_a_stretch_brings_the_smiles_corners_down_to_the_opening(astronaut_face) -> None:
    _, lm = astronaut_face
    before = _corners_above_middle(lm)
    assert before > 0.1  # her grin: corners at the upper teeth, the opening hanging below them
    out = stretch_corners(lm[None], np.array([0.8]))[0]
    after = _corners_above_middle(out)
    assert after < 0.35 * before, f"corners {before:.3f} -> {after:.3f} IOD above the opening's middle"
    src, dst = _template(lm), _template(out)
    gap = lambda p: p[LIP_MIDDLE[1], 1] - p[LIP_MIDDLE[0], 1]  # noqa: E731
    assert gap(dst) == pytest.approx(gap(src), abs=0.01)  # the opening is kept (0.168 -> 0.160 IOD)
    far = [10, 151, 9, 168, 33, 263, 133, 362]  # forehead, nose bridge, eye corners
    assert np.abs(dst[far] - src[far]).max() < 0.01
    half = stretch_corners(lm[None], np.array([0.4]))[0]
    assert after < _corners_above_middle(half) < before


def test_an_upper_lip_lift_brings_the_corners_further_down(astronaut_face) -> None:
    """A lift of the upper lip's centre (AU10) raises the opening's middle, not the lips' line: the corners come
    down to the middle of the opening without it, half the lift lower."""
    _, lm = astronaut_face
    plain = _corners_above_middle(stretch_corners(lm[None], np.array([0.8]))[0])
    lifted = _corners_above_middle(stretch_corners(lm[None], np.array([0.8]), np.array([0.08]))[0])
    assert lifted < plain - 0.03, f"corners {plain:.3f} -> {lifted:.3f} IOD above the opening's middle"
    with pytest.raises(ValueError, match="lift"):
        stretch_corners(lm[None], np.array([0.8]), np.zeros(2))


def test_no_stretch_added_leaves_the_face_alone(astronaut_face) -> None:
    _, lm = astronaut_face
    np.testing.assert_array_equal(stretch_corners(lm[None], np.array([0.0]))[0], lm.astype(np.float32))
    np.testing.assert_array_equal(stretch_corners(lm[None], np.array([-0.5]))[0], lm.astype(np.float32))
    with pytest.raises(ValueError, match="stretch_corners"):
        stretch_corners(lm[None], np.zeros(2))


def test_the_corners_follow_the_slow_opening_not_each_syllable(astronaut_face) -> None:
    """Over a clip whose mouth opens and closes, the corners' drop follows the opening's slow middle: from one
    frame to the next the corners move far less than the lower lip does."""
    _, lm = astronaut_face
    frames = np.repeat(lm[None].astype(np.float64), 24, axis=0)
    lower = [14, 87, 178, 88, 95, 317, 402, 318, 324, 17, 84, 181, 91, 146, 314, 405, 321, 375]
    iod = np.linalg.norm(lm[33, :2] - lm[263, :2])
    frames[:, lower, 1] += (0.1 * iod * (np.arange(24) % 2))[:, None]  # the jaw drops every other frame
    out = stretch_corners(frames, np.full(24, 0.8))
    corner_jump = np.abs(np.diff(out[:, list(CORNERS), 1] - frames[:, list(CORNERS), 1], axis=0)).max()
    assert corner_jump < 0.01 * iod, f"corners jump {corner_jump / iod:.3f} IOD between frames"
