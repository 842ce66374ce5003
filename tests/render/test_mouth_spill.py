"""clear_spill: the dark mouth corners a smile shows beside its lip corners, carried by the warp outside the lips of a
mouth the target closes down, take the skin around them; inside the lips, far from them and on an unedited mouth
nothing changes."""

from __future__ import annotations

import cv2
import numpy as np

from ned_core.analysis.mean_face import load_mean_face
from ned_core.analysis.regions import LIPS_INNER, LIPS_OUTER
from ned_core.render.luma import luma
from ned_core.render.mouth_spill import REACH_IOD, clear_spill, spilled_interior

IOD_PX = 44.0  # the speaking astronaut's
LIP = np.array([0.45, 0.2, 0.18], np.float32)  # scene-linear
SKIN = np.array([0.6, 0.4, 0.3], np.float32)
CAVITY = np.array([0.012, 0.005, 0.005], np.float32)
SIZE = 200
BOX = (0, 0, SIZE, SIZE)


def _lip_mask(points: np.ndarray) -> np.ndarray:
    mask = np.zeros((SIZE, SIZE), np.uint8)
    cv2.fillPoly(mask, [np.round(points[list(LIPS_OUTER)] * 16).astype(np.int32)], 1, cv2.LINE_8, 4)
    return mask > 0


def _smile(offset: tuple[float, float] = (1.0, 0.0)) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(landmarks (478, 2), image (200, 200, 3), spots (200, 200) bool)``: skin with textured lips on the mean
    face, parted over a dark cavity, and a dark 3x3 px spot centred ``offset`` px (outwards, down) from each lip
    corner (61, 291): by default the cavity's corners just beyond them."""
    face = load_mean_face()[:, :2].astype(np.float64) * IOD_PX + 100.0
    texture = 1.0 + 0.1 * np.sin(np.arange(SIZE) * 1.3)[None, :, None] * np.cos(np.arange(SIZE) * 0.9)[:, None, None]
    image = (np.broadcast_to(SKIN, (SIZE, SIZE, 3)) * texture).astype(np.float32)
    image[_lip_mask(face)] = LIP
    gap = np.zeros((SIZE, SIZE), np.uint8)
    cv2.fillPoly(gap, [np.round(face[list(LIPS_INNER)] * 16).astype(np.int32)], 1, cv2.LINE_8, 4)
    image[gap > 0] = CAVITY
    spots = np.zeros((SIZE, SIZE), bool)
    for corner, side in ((61, -1.0), (291, 1.0)):
        x, y = np.round(face[corner] + (side * offset[0], offset[1])).astype(int)
        spots[y - 1 : y + 2, x - 1 : x + 2] = True
    image[spots] = CAVITY
    return face, image, spots


def _narrowed(face: np.ndarray, share: float = 0.12) -> np.ndarray:
    """The landmarks with the lips drawn in horizontally by ``share`` of their distance to the mouth's centre."""
    out = face.copy()
    lips = list(LIPS_OUTER)
    centre = face[[61, 291]].mean(axis=0)
    out[lips, 0] = centre[0] + (1.0 - share) * (face[lips, 0] - centre[0])
    return out


def _identity() -> tuple[np.ndarray, np.ndarray]:
    grid = np.meshgrid(np.arange(SIZE, dtype=np.float32), np.arange(SIZE, dtype=np.float32))
    return grid[0], grid[1]


def test_the_dark_corners_outside_a_narrowed_mouth_take_the_skin():
    face, image, spots = _smile()
    dst = _narrowed(face)
    outside = spots & ~_lip_mask(dst)
    assert outside.sum() >= 12, "the test's corners must lie outside the narrowed lips"
    out, replaced = clear_spill(image, BOX, image, face, dst, _identity(), 1.0)
    assert replaced >= outside.sum()
    skin = float(luma(SKIN[None])[0])
    assert luma(out[outside]).min() > 0.7 * skin, f"dark corner kept: luma {luma(out[outside]).min():.3f}"
    inside = _lip_mask(dst)
    np.testing.assert_array_equal(out[inside], image[inside])  # the lips and the cavity between them are not touched
    untouched = cv2.dilate(spots.astype(np.uint8), np.ones((7, 7), np.uint8)) == 0
    np.testing.assert_array_equal(out[untouched & ~inside], image[untouched & ~inside])


def test_a_mouth_the_target_does_not_close_keeps_its_corners():
    face, image, _ = _smile()
    dst = _narrowed(face)
    assert spilled_interior(image, face, dst, _identity(), BOX) is not None
    out, replaced = clear_spill(image, BOX, image, face, dst, _identity(), 0.0)  # repair_weight 0: not closed down
    assert out is image and replaced == 0.0


def test_half_closed_blends_half_way():
    face, image, spots = _smile()
    dst = _narrowed(face)
    full, _ = clear_spill(image, BOX, image, face, dst, _identity(), 1.0)
    half, _ = clear_spill(image, BOX, image, face, dst, _identity(), 0.5)
    outside = spots & ~_lip_mask(dst)
    np.testing.assert_allclose(half[outside], 0.5 * (image[outside] + full[outside]), atol=1e-6)


def test_dark_pixels_away_from_the_source_lips_are_not_the_mouth():
    face, image, spots = _smile(offset=(3.0, -6.0))  # a dark mole beside and above each corner
    outline = face[list(LIPS_OUTER)].astype(np.float32)
    ys, xs = np.nonzero(spots)
    distance = min(-cv2.pointPolygonTest(outline, (float(x), float(y)), True) for x, y in zip(xs, ys))
    assert distance > REACH_IOD * IOD_PX + 0.5
    out, replaced = clear_spill(image, BOX, image, face, face, _identity(), 1.0)
    assert replaced == 0.0
    np.testing.assert_array_equal(out, image)
