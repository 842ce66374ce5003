"""The painted mouth interior: cavity and teeth inside the inner lip contour only."""

from __future__ import annotations

import numpy as np

from ned_core.synthetic.mouth import CAVITY_RGB, UPPER_TEETH_RGB, mouth_height, paint_mouth


def _mouth(gap: float) -> tuple[np.ndarray, np.ndarray]:
    x = np.linspace(40.0, 120.0, 9)
    bulge = 1.0 - ((x - 80.0) / 40.0) ** 2
    upper = np.stack([x[::-1], 60.0 - 2.0 * bulge[::-1]], axis=1)  # right to left, like LIPS_INNER
    lower = np.stack([x, 60.0 + gap * bulge], axis=1)
    return upper, lower


def test_paints_teeth_and_cavity_inside_only():
    frame = np.full((120, 160, 3), 200, np.uint8)
    upper, lower = _mouth(gap=30.0)
    paint_mouth(frame, upper, lower, iod_px=60.0, opacity=1.0)
    np.testing.assert_array_equal(frame[62, 80], UPPER_TEETH_RGB)  # just under the upper lip
    assert np.abs(frame[78, 80].astype(int) - CAVITY_RGB).max() <= 2  # deep in the mouth
    assert (frame[:50] == 200).all() and (frame[100:] == 200).all() and (frame[:, :35] == 200).all()


def test_zero_opacity_changes_nothing():
    frame = np.full((120, 160, 3), 200, np.uint8)
    paint_mouth(frame, *_mouth(30.0), iod_px=60.0, opacity=0.0)
    assert (frame == 200).all()


def test_mouth_height_measures_opening_not_width():
    assert mouth_height(np.concatenate(_mouth(30.0))) > 3 * mouth_height(np.concatenate(_mouth(5.0)))
    upper, lower = _mouth(10.0)
    wide = np.concatenate([upper * [1.5, 1.0], lower * [1.5, 1.0]])
    assert abs(mouth_height(wide) - mouth_height(np.concatenate([upper, lower]))) < 1e-6  # a smile widens only
