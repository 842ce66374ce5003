"""Grace Hopper's thin lips pressed by a strong angry edit stay whole: the warp never folds them.

A fold (a mirrored triangle) shows as torn, jagged lip fragments. Read from the plate's STMap, the source
position each output pixel samples: where the map's Jacobian determinant is negative the output shows the
source mirrored. Without the lip floor (``render.lip_floor``) ``angry:1.5`` folded her lips (49 such pixels,
79 squeezed more than 3x; by eye a torn red zig-zag).
"""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np
import pytest

from ned_core.analysis.regions import LIPS_OUTER, interocular_distance
from ned_core.io.exr import PlateWriteConfig, read_face_plate

pytestmark = pytest.mark.slow


def _sample_positions(stmap: np.ndarray, display_size: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """``(sx, sy)`` each ``(h, w)``: the source pixel each plate pixel samples (inverse of ``io.stmap.to_stmap``)."""
    width, height = display_size
    return stmap[..., 0].astype(np.float64) * width - 0.5, (1.0 - stmap[..., 1].astype(np.float64)) * height - 0.5


def test_strongly_pressed_thin_lips_do_not_fold(tmp_path, ned_config, stills, analyse, render):
    config = replace(ned_config, plates=PlateWriteConfig(compression="zip", stmap=True))
    summary = render(stills["grace_hopper"], tmp_path / "plates", config=config, emotion="angry:1.5")
    plate, _ = read_face_plate(summary.plates[0])
    sx, sy = _sample_positions(plate.stmap, plate.display_size)
    det = np.gradient(sx, axis=1) * np.gradient(sy, axis=0) - np.gradient(sx, axis=0) * np.gradient(sy, axis=1)

    landmarks = analyse(stills["grace_hopper"]).track.landmarks[0, :, :2]
    x0, y0 = plate.data_window[:2]
    lips = np.zeros(det.shape, np.uint8)
    cv2.fillPoly(lips, [np.round(landmarks[list(LIPS_OUTER)] - (x0, y0)).astype(np.int32)], 1)
    grow = max(3, int(round(0.05 * float(interocular_distance(landmarks)))))
    lips = cv2.dilate(lips, np.ones((2 * grow + 1, 2 * grow + 1), np.uint8)) > 0
    mirrored, squeezed = int((det[lips] < 0).sum()), int((det[lips] < 1 / 3).sum())
    print(f"lips {lips.sum()} px: mirrored {mirrored}, squeezed > 3x {squeezed}, det min {det[lips].min():.2f}")
    assert lips.sum() > 500  # the lips are inside the plate
    assert mirrored <= 3  # measured 0 (49 without the lip floor)
    assert squeezed <= 0.03 * lips.sum()
