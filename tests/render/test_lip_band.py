"""lip_snap / lip_band: the lips redrawn from the source's visible lips alone. A tracked inner lip that sits on the
teeth is moved onto the lip's edge, and the redrawn band samples lip only, never the teeth below it; an unedited
lip is drawn as it was."""

from __future__ import annotations

import cv2
import numpy as np

from ned_core.analysis.mean_face import load_mean_face
from ned_core.analysis.regions import LIPS_INNER, LIPS_OUTER
from ned_core.render.lip_band import UPPER_INNER, UPPER_OUTER, band_maps, redraw_raised_lips, remap_lip_bands
from ned_core.render.lip_edge import _redness
from ned_core.render.lip_snap import lip_offsets

IOD_PX = 80.0  # a close-up: the mean face's upper lip ~5 px high, room for teeth on it
LIP = np.array([0.45, 0.2, 0.18], np.float32)  # scene-linear
SKIN = np.array([0.6, 0.4, 0.3], np.float32)
TEETH = np.array([0.7, 0.66, 0.6], np.float32)
CAVITY = np.array([0.012, 0.005, 0.005], np.float32)
SIZE = 200
BOX = (0, 0, SIZE, SIZE)
ON_TEETH_PX = 2  # the tracked inner upper lip lies this far down on the teeth


def _fill(points: np.ndarray) -> np.ndarray:
    mask = np.zeros((SIZE, SIZE), np.uint8)
    cv2.fillPoly(mask, [np.round(points * 16).astype(np.int32)], 1, cv2.LINE_8, 4)
    return mask > 0


def _open_smile() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(landmarks (478, 2), image (200, 200, 3), teeth (200, 200) bool)``: the mean face's lips parted 6 px further
    over a dark cavity, a row of upper teeth whose top :data:`ON_TEETH_PX` rows lie above the tracked inner upper
    lip (in the tracked lip band, as on a smile), textured lips."""
    face = load_mean_face()[:, :2].astype(np.float64) * IOD_PX + 100.0
    face[[*LIPS_OUTER[1:10], *LIPS_INNER[1:10]], 1] += 6.0
    texture = 1.0 + 0.1 * np.sin(np.arange(SIZE) * 1.3)[None, :, None] * np.cos(np.arange(SIZE) * 0.9)[:, None, None]
    image = (np.broadcast_to(SKIN, (SIZE, SIZE, 3)) * texture).astype(np.float32)
    image[_fill(face[list(LIPS_OUTER)])] = (LIP * texture)[_fill(face[list(LIPS_OUTER)])]
    opening = _fill(face[list(LIPS_INNER)])
    image[opening] = CAVITY
    raised = face.copy()
    raised[list(UPPER_INNER[1:-1]), 1] -= ON_TEETH_PX  # where the teeth begin: ON_TEETH_PX above the tracked edge
    teeth = _fill(raised[list(LIPS_INNER)]) & ~(np.cumsum(_fill(raised[list(LIPS_INNER)]), axis=0) > 5)
    image[teeth] = TEETH
    return face, image, teeth


def _identity() -> tuple[np.ndarray, np.ndarray]:
    grid = np.meshgrid(np.arange(SIZE, dtype=np.float32), np.arange(SIZE, dtype=np.float32))
    return grid[0], grid[1]


def test_an_inner_lip_on_the_teeth_is_moved_onto_the_lips_edge():
    face, image, _ = _open_smile()
    offsets = lip_offsets(image, face)
    middle = offsets[0, 2:7, 1]  # the upper lip's middle points (the corners' lip is thin)
    assert np.all(middle < -0.5 * ON_TEETH_PX) and np.all(middle > -1.5 * ON_TEETH_PX - 1), middle
    closed = face.copy()
    closed[list(LIPS_INNER[1:10]), 1] = closed[list(LIPS_INNER[19:10:-1]), 1]  # lips meeting: nothing to move
    assert not lip_offsets(image, closed).any()


def test_an_unedited_lip_is_drawn_as_it_was():
    face, image, _ = _open_smile()
    out, maps = remap_lip_bands(image, BOX, image, face, face, _identity(), 0.0)
    np.testing.assert_allclose(out, image, atol=1e-4)
    np.testing.assert_allclose(maps[0], _identity()[0], atol=1e-3)


def test_the_redrawn_upper_lip_holds_no_teeth():
    face, image, teeth = _open_smile()
    target = face.copy()
    target[list(UPPER_INNER[1:-1]), 1] += 1.5  # the target's upper lip a little fuller, its opening a little smaller
    out, _, lips = redraw_raised_lips(image, BOX, image, face, target, _identity(), 0.0, 1.0)
    assert not np.array_equal(lips[0], face)  # the visible edges, not the tracked ones
    # the target's visible upper lip (outer edge to its visible inner edge), less a pixel's soft edge
    band = _fill(np.vstack([lips[1][list(UPPER_OUTER)], lips[1][list(UPPER_INNER)][::-1]]))
    band &= ~cv2.dilate((~band).astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    band[:, : int(face[81, 0])] = band[:, int(face[311, 0]) + 1 :] = False  # the middle, where the lip has height
    lip_red = float(_redness(LIP[None])[0])
    warped_teeth = (_redness(image[band]) < 0.5 * lip_red).sum()
    assert warped_teeth > 10, "the test's band must hold teeth where the tracked lip sits on them"
    grey = (_redness(out[band]) < 0.5 * lip_red).sum()
    assert grey <= 0.1 * warped_teeth, f"{grey} grey pixels of {band.sum()} in the redrawn lip"
    kept, _, same = redraw_raised_lips(image, BOX, image, face, target, _identity(), 0.0, 0.0)
    assert kept is image and same[0] is face  # a target that does not raise the upper lip keeps the warp


def test_band_maps_sample_between_the_source_edges():
    face, _, _ = _open_smile()
    target = face.copy()
    target[list(UPPER_OUTER[1:-1]), 1] -= 3.0  # a taller target lip
    qx, qy, alpha = band_maps(face, target, BOX, UPPER_OUTER, UPPER_INNER)
    inside = alpha > 0.99
    assert inside.sum() > 50
    top = np.interp(qx[inside], *face[list(UPPER_OUTER)][np.argsort(face[list(UPPER_OUTER), 0])].T)
    bottom = np.interp(qx[inside], *face[list(UPPER_INNER)][np.argsort(face[list(UPPER_INNER), 0])].T)
    assert np.all(qy[inside] >= top - 1e-3) and np.all(qy[inside] <= bottom + 1e-3)
