"""cover_interior_band: mouth interior the warp leaves on the target's lower lip is painted in the lips' colour."""

from __future__ import annotations

import numpy as np
import pytest

from ned_core.analysis.mask import polygon_mask
from ned_core.analysis.regions import LIPS_INNER, LIPS_OUTER
from ned_core.render.lip_band import cover_interior_band, cover_weight, lip_colour


def _lower_lip_band(frame: np.ndarray, lm: np.ndarray) -> np.ndarray:
    """``(H, W) bool``: the astronaut's lower lip between the inner and outer outlines, below the corners."""
    size = frame.shape[:2]
    outer = polygon_mask(lm[list(LIPS_OUTER), :2], size, 0.0).full(size) > 0
    inner = polygon_mask(lm[list(LIPS_INNER), :2], size, 0.0).full(size) > 0
    ys = np.mgrid[0 : size[0], 0 : size[1]][0]
    return outer & ~inner & (ys > max(lm[78, 1], lm[308, 1]) + 2)


def test_a_grey_rim_on_the_lower_lip_is_covered_and_the_rest_left_alone(astronaut_face) -> None:
    frame, lm = astronaut_face
    lip = lip_colour(frame, lm)
    assert lip is not None and lip[0] > lip[1]  # red lips found, not the teeth
    band = _lower_lip_band(frame, lm)
    rimmed = frame.copy()
    rim = band & (np.mgrid[0 : band.shape[0], 0 : band.shape[1]][0] < lm[14, 1] + 3)  # the lip's top 3 px go grey
    rimmed[rim] = 0.35  # a grey rim: the source's teeth the tracker counted as lip, carried by the warp
    box = (0, 0, frame.shape[1], frame.shape[0])
    out, covered = cover_interior_band(rimmed, box, lm, 1.0, lip)
    assert covered > 0.05
    assert np.abs(out[rim] - lip).max() < 0.02  # the rim now has the lips' colour
    teeth = polygon_mask(lm[list(LIPS_INNER), :2], frame.shape[:2], 0.0).full(frame.shape[:2]) > 0
    assert np.array_equal(out[teeth], rimmed[teeth])  # the opening itself (teeth) untouched
    outer = polygon_mask(lm[list(LIPS_OUTER), :2], frame.shape[:2], 0.0).full(frame.shape[:2]) > 0
    above = np.mgrid[0 : band.shape[0], 0 : band.shape[1]][0] < min(lm[78, 1], lm[308, 1]) - 2
    elsewhere = ~outer | above
    assert np.array_equal(out[elsewhere], rimmed[elsewhere])  # skin and the upper lip untouched
    lips_kept = band & ~rim
    assert np.abs(out[lips_kept] - rimmed[lips_kept]).mean() < 0.01  # the red lip stays itself


def test_no_fill_no_colour_or_bad_input_leave_the_face_or_say_why(astronaut_face) -> None:
    frame, lm = astronaut_face
    box = (0, 0, frame.shape[1], frame.shape[0])
    lip = lip_colour(frame, lm)
    assert cover_interior_band(frame, box, lm, 0.0, lip)[0] is frame  # the target does not open the mouth
    assert cover_interior_band(frame, box, lm, 1.0, None)[0] is frame  # no red lips to tell interior from
    with pytest.raises(ValueError, match="cover_interior_band"):
        cover_interior_band(frame[:10], box, lm, 1.0, lip)


def test_only_a_dropped_lower_lip_over_a_full_fill_is_covered(astronaut_face) -> None:
    _, lm = astronaut_face
    src = lm[:, :2].astype(np.float64)
    iod = float(np.linalg.norm(src[33] - src[263]))
    down = (src[152] - src[168]) / np.linalg.norm(src[152] - src[168])
    dropped = src.copy()
    dropped[14] += 0.1 * iod * down  # surprised's jaw drop: 0.10 IOD
    raised = src.copy()
    raised[14] -= 0.015 * iod * down  # disgust lifts the lips a little
    assert abs(cover_weight(src, dropped, 1.0) - 1.0) < 1e-9
    assert cover_weight(src, raised, 1.0) == 0.0  # the lower lip stays: its rim is the source's own
    assert cover_weight(src, dropped, 0.3) == 0.0  # a partial fill blends the source's mouth: left alone
