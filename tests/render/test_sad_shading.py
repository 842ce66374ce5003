"""A sad mouth's shading: the depressor folds below the corners and the chin furrow darkened where the target turns
the mouth corners down against the source; nothing for an unedited or raised mouth, nothing off the face."""

from __future__ import annotations

import cv2
import numpy as np

from ned_core.analysis.mean_face import load_mean_face
from ned_core.analysis.regions import FACE_OVAL, LIPS_OUTER, interocular_distance
from ned_core.render.sad_shading import NASOLABIAL_SHARE, folds, frown_weight, furrow, shade_frown
from ned_core.render.smile_shading import folds as nasolabial_folds


def _lower(landmarks: np.ndarray, down: float) -> np.ndarray:
    """``landmarks`` with the mouth corners and the lip points beside them lowered by ``down`` IOD (< 0: raised)."""
    lm = np.asarray(landmarks, np.float64)[:, :2].copy()
    iod = float(interocular_distance(lm))
    lm[[61, 291], 1] += down * iod
    lm[[146, 185, 375, 409], 1] += 0.5 * down * iod
    return lm


def _luminance(rgb: np.ndarray) -> np.ndarray:
    return rgb @ np.array([0.2126, 0.7152, 0.0722], np.float32)


REST = load_mean_face()[:, :2].astype(np.float64) * 100.0 + 300.0


def test_the_weight_follows_corners_turned_down_against_the_source_only():
    assert frown_weight(REST, REST) == 0.0  # unedited
    # the mean face's lips are parted, its corners ~0.085 IOD above the opening's middle
    assert frown_weight(REST, _lower(REST, 0.15)) > 0.99  # corners well below it
    assert frown_weight(REST, _lower(REST, -0.06)) == 0.0  # raised: a smile
    frowning = _lower(REST, 0.15)
    assert frown_weight(frowning, frowning) == 0.0  # the source's own frown has its folds
    assert frown_weight(frowning, REST) == 0.0  # a frown taken away
    # smooth: a small drop gives part of the shading
    assert 0.0 < frown_weight(REST, _lower(REST, 0.11)) < 0.9


def test_a_frown_darkens_the_folds_the_chin_furrow_and_the_nasolabial_folds(face):
    """The depressor folds and the chin furrow (AU15, AU17), and the nasolabial folds deepened (AU11: sadness
    1+4+11+15), along smooth curves."""
    frame, landmarks = face
    dst = _lower(landmarks, 0.08)
    height, width = frame.shape[:2]
    out = shade_frown(frame, (0, 0, width, height), dst, 1.0)
    assert shade_frown(frame, (0, 0, width, height), dst, 0.0) is frame
    for crease in [*folds(dst, 1.0), furrow(dst, 1.0), *nasolabial_folds(dst, NASOLABIAL_SHARE)]:
        line = np.zeros((height, width), np.uint8)
        k = len(crease.points)
        cv2.polylines(line, [np.round(crease.points[k // 4 : 3 * k // 4]).astype(np.int32)], False, 1, 1)
        ratio = float(_luminance(out)[line > 0].mean() / _luminance(frame)[line > 0].mean())
        assert ratio < 0.93, f"a crease darkens its line by {1 - ratio:.0%} only"
    changed = np.abs(out - frame).max(axis=2) > 0
    oval, lips = np.zeros((height, width), np.uint8), np.zeros((height, width), np.uint8)
    cv2.fillPoly(oval, [np.round(dst[list(FACE_OVAL)]).astype(np.int32)], 1)
    cv2.fillPoly(lips, [np.round(dst[list(LIPS_OUTER)]).astype(np.int32)], 1)
    assert not changed[oval == 0].any(), "the shading reached outside the face oval"
    assert not changed[lips > 0].any(), "the shading reached the lips"
