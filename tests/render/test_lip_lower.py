"""lower_upper_lip: where the target takes a smile away over an open mouth, the upper lip comes down over part of
the upper teeth it showed (a relaxed lip, not the smile's wide arc of teeth); nothing else in the mouth moves."""

from __future__ import annotations

import cv2
import numpy as np

from ned_core.analysis.mean_face import load_mean_face
from ned_core.analysis.regions import LIPS_INNER, LIPS_OUTER, interocular_distance
from ned_core.render.lip_edge import _redness, mouth_reference
from ned_core.render.lip_lower import COVER_SHARE, lower_upper_lip, lower_weight
from ned_core.render.mouth_index import template_from_image

IOD_PX = 44.0  # the speaking astronaut's
LIP = np.array([0.45, 0.2, 0.18], np.float32)  # scene-linear
SKIN = np.array([0.6, 0.4, 0.3], np.float32)
TEETH = np.array([0.7, 0.66, 0.6], np.float32)
CAVITY = np.array([0.012, 0.005, 0.005], np.float32)
SIZE = 200
TEETH_PX = 5


def _mouth(teeth_px: int = TEETH_PX) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(landmarks (478, 2), image (200, 200, 3), teeth (200, 200) bool, cavity (200, 200) bool)``: the mean face's
    lips parted over a dark cavity, a row of upper teeth ``teeth_px`` high under the upper inner lip (the mean face's
    inner gap is ~4 px here: the lips are parted a further 6 px by moving the lower lip down)."""
    face = load_mean_face()[:, :2].astype(np.float64) * IOD_PX + 100.0
    face[[*LIPS_OUTER[1:10], *LIPS_INNER[1:10]], 1] += 6.0
    image = np.broadcast_to(SKIN, (SIZE, SIZE, 3)).copy()
    outer, inner = (np.zeros((SIZE, SIZE), np.uint8) for _ in range(2))
    cv2.fillPoly(outer, [np.round(face[list(LIPS_OUTER)] * 16).astype(np.int32)], 1, cv2.LINE_8, 4)
    cv2.fillPoly(inner, [np.round(face[list(LIPS_INNER)] * 16).astype(np.int32)], 1, cv2.LINE_8, 4)
    image[outer > 0] = LIP
    image[inner > 0] = CAVITY
    rows = np.cumsum(inner, axis=0)  # each inner pixel's row count from the opening's top in its column
    teeth = (inner > 0) & (rows <= teeth_px)
    image[teeth] = TEETH
    return face, image, teeth, (inner > 0) & ~teeth


def test_the_relaxed_lip_covers_the_upper_part_of_the_teeth():
    face, image, teeth, cavity = _mouth()
    reference = mouth_reference(image, face[list(LIPS_INNER)], float(interocular_distance(face)))
    out, lowered = lower_upper_lip(image, (0, 0, SIZE, SIZE), face, reference, 1.0)
    assert 0.5 * COVER_SHARE * TEETH_PX < lowered <= TEETH_PX
    xs = np.arange(int(face[list(LIPS_INNER)][:, 0].min()) + 8, int(face[list(LIPS_INNER)][:, 0].max()) - 8)
    covered = kept = 0
    for x in xs:
        column = np.flatnonzero(teeth[:, x])
        if len(column) < TEETH_PX:
            continue
        red = _redness(out[column, x])
        covered += int(red[0] > 0.5 * float(_redness(LIP[None])[0]))  # the top tooth row is lip now
        kept += int(np.abs(out[column[-1], x] - TEETH).max() < 0.02)  # the teeth's edge still shows
    assert covered >= 0.8 * len(xs) and kept >= 0.8 * len(xs), (covered, kept, len(xs))
    np.testing.assert_allclose(out[cavity], image[cavity], atol=1e-6)  # the cavity stays as it was
    changed = np.abs(out - image).max(axis=2) > 0
    assert not (changed & ~teeth & (np.cumsum(teeth, axis=0) > 0)).any()  # nothing below the teeth's top changes
    assert changed.any()


def test_no_weight_or_no_teeth_leaves_the_mouth_alone():
    face, image, _, _ = _mouth()
    reference = mouth_reference(image, face[list(LIPS_INNER)], float(interocular_distance(face)))
    out, lowered = lower_upper_lip(image, (0, 0, SIZE, SIZE), face, reference, 0.0)
    assert out is image and lowered == 0.0
    face, image, _, _ = _mouth(teeth_px=0)  # a dark opening right under the lip: nothing to cover
    out, lowered = lower_upper_lip(image, (0, 0, SIZE, SIZE), face, reference, 1.0)
    assert out is image and lowered == 0.0


def _with_corners(face: np.ndarray, up_px: float) -> np.ndarray:
    out = face.copy()
    out[[61, 291], 1] -= up_px
    return out


def test_the_lip_comes_down_where_the_corners_do_over_a_mouth_not_closed_down():
    face = load_mean_face()[:, :2].astype(np.float64) * IOD_PX + 100.0
    smile = _with_corners(face, 0.05 * IOD_PX)
    down = _with_corners(face, -0.04 * IOD_PX)  # the corners 0.09 IOD lower than the smile's
    for target, expected in ((smile, 0.0), (down, 1.0), (_with_corners(face, 0.02 * IOD_PX), None)):
        weight = lower_weight(smile, target, (template_from_image(smile), template_from_image(target)), 0.0)
        if expected is None:
            assert 0.0 < weight < 1.0
        else:
            assert weight == expected
    closing = lower_weight(smile, down, (template_from_image(smile), template_from_image(down)), 1.0)
    assert closing == 0.0  # a mouth the target closes down has its teeth handled by lip_repair / lip_seal
