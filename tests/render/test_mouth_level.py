"""Corner levelling: a smile the edit removes takes its upward curve with it; nothing else moves."""

from __future__ import annotations

import numpy as np
import pytest

from ned_core.render.mouth_index import template_from_image
from ned_core.render.mouth_level import CORNERS, UPPER_LIP_TOP, level_corners, resting_drop


def _corner_drop(landmarks: np.ndarray) -> float:
    """Mean height of the mouth corners below the upper lip's middle, IOD (pose-normalised)."""
    m = template_from_image(landmarks[:, :2])
    pts = landmarks[:, :2].astype(np.float64) @ m[:, :2].T + m[:, 2]
    return float(pts[list(CORNERS), 1].mean() - pts[UPPER_LIP_TOP, 1])


def test_a_removed_smile_brings_the_corners_down_to_rest(astronaut_face) -> None:
    _, lm = astronaut_face
    before = _corner_drop(lm)
    assert before < resting_drop() - 0.015  # her broad smile lifts the corners above the resting level
    out = level_corners(lm[None], np.array([1.0]))[0]
    after = _corner_drop(out)
    # the whole way (measured 0.0244 of 0.0245), not the 87 % a plain falloff gave (0.0215: the falloff lowers
    # the upper lip's middle too)
    assert abs(after - resting_drop()) < 0.001, f"corners {before:.3f} -> {after:.3f} IOD, rest {resting_drop():.3f}"
    iod_px = np.linalg.norm(lm[33, :2] - lm[263, :2])
    far = [10, 151, 9, 168, 33, 263, 133, 362]  # forehead, nose bridge, eye corners
    assert np.abs(out[far] - lm[far]).max() < 0.01 * iod_px
    half = level_corners(lm[None], np.array([0.25]))[0]  # half the full removal: about half the way
    assert before < _corner_drop(half) < after


def test_a_target_that_depresses_the_corners_keeps_them_below_rest(astronaut_face) -> None:
    """Sad (AU15) on a broad smile: levelling to rest must not absorb the target's own depression."""
    _, lm = astronaut_face
    out = level_corners(lm[None], np.array([1.0]), np.array([0.05]))[0]
    assert abs(_corner_drop(out) - (resting_drop() + 0.05)) < 0.001, f"corners at {_corner_drop(out):.3f} IOD"
    shallow = level_corners(lm[None], np.array([1.0]), np.array([-0.02]))[0]  # raising targets: levelled to rest
    assert abs(_corner_drop(shallow) - resting_drop()) < 0.001


def test_no_removed_smile_or_a_resting_mouth_changes_nothing(face) -> None:
    _, lm = face
    np.testing.assert_array_equal(level_corners(lm[None], np.array([-0.3]))[0], lm.astype(np.float32))
    rested = level_corners(lm[None], np.array([1.0]))
    again = level_corners(rested, np.array([1.0]))  # already at (or below) rest: left alone, up to the falloff
    assert abs(_corner_drop(again[0]) - _corner_drop(rested[0])) < 0.01


def test_mismatched_inputs_are_refused(face) -> None:
    _, lm = face
    with pytest.raises(ValueError, match="removed"):
        level_corners(lm[None], np.zeros(2))
    with pytest.raises(ValueError, match="depressed"):
        level_corners(lm[None], np.zeros(1), np.zeros(3))
