"""lip_edge: the real lower-lip edge below an inner lower lip the tracker put on the mouth's interior.

On the real photos (the astronaut's open smile, its inner lip on the lip edge; Grace Hopper's closed mouth) the
outline is left exactly as tracked; with a grey teeth band and a dark cavity painted over the astronaut's
lower lip and the tracked points moved up into the cavity, the outline comes back down to the painted edge.
"""

from __future__ import annotations

import cv2
import numpy as np

from ned_core.analysis.regions import LIPS_INNER, interocular_distance
from ned_core.render.config import RenderConfig
from ned_core.render.mouth_fill import fill_mouth, reach_share
from ned_core.render.lip_edge import (LOWER_INNER, LOWER_OUTER, lip_edge_outline, lower_lip_gap, mouth_reference,
                                      parted)

GREY_TEETH = (0.46, 0.39, 0.33)  # sRGB (180, 168, 156) in linear light: the synthetic actor's lower teeth
CAVITY = (0.027, 0.006, 0.008)


def _into_lip(xy: np.ndarray) -> np.ndarray:
    d = xy[list(LOWER_OUTER)] - xy[list(LOWER_INNER)]
    return d / np.linalg.norm(d, axis=1, keepdims=True)


def test_a_tracked_inner_lip_on_the_lip_edge_is_left_alone(face) -> None:
    """Real photos: the astronaut's open smile (the tracker's inner lower lip sits on the lip, teeth above it)
    and Grace Hopper's closed mouth (its dark lip line must not read as an interior)."""
    frame, lm = face
    xy = lm[:, :2].astype(np.float64)
    iod = float(interocular_distance(xy))
    inner = xy[list(LIPS_INNER)]
    out = lip_edge_outline(frame, inner, _into_lip(xy), iod)
    assert np.array_equal(out, inner)
    if parted(inner, iod).any():  # the astronaut's open smile: it is the colour test that finds no band
        gaps = lower_lip_gap(frame, inner[1:10], _into_lip(xy), iod, mouth_reference(frame, inner, iod))
        assert np.array_equal(gaps, np.zeros(9))


def test_a_band_of_interior_above_the_lip_is_found(astronaut_face) -> None:
    """The synthetic actor's open frames: the tracker's inner lower lip in the cavity, 0.06 IOD above the lip,
    over a grey band of lower teeth: the outline reaches the lip again (within a pixel)."""
    frame, lm = astronaut_face
    xy = lm[:, :2].astype(np.float64)
    iod = float(interocular_distance(xy))
    into = _into_lip(xy)
    edge = xy[list(LOWER_INNER)]  # the real lip edge (the photo's tracker sits on it)
    painted = frame.copy()
    tracked = edge - 0.06 * iod * into
    teeth_top = edge - 0.03 * iod * into
    for a, b, colour in ((tracked - 0.05 * iod * into, teeth_top, CAVITY), (teeth_top, edge, GREY_TEETH)):
        poly = np.concatenate([a, b[::-1]])
        cv2.fillPoly(painted, [np.round(poly * 16).astype(np.int32)], colour, cv2.LINE_8, 4)
    inner = xy[list(LIPS_INNER)].copy()
    inner[1:10] = tracked
    assert parted(inner, iod).all()
    out = lip_edge_outline(painted, inner, into, iod)
    middle = slice(2, 7)  # near the corners the painted band is thin and slanted
    err = np.linalg.norm(out[1:10][middle] - edge[middle], axis=1)
    assert err.max() <= 1.5, err
    assert np.array_equal(out[10:], inner[10:]) and np.array_equal(out[0], inner[0])  # upper lip and corners stay
    # the same band below a closed mouth (nothing parts the lips): nothing is moved
    closed = inner.copy()
    closed[11:20] = closed[1:10][::-1]
    assert not parted(closed, iod).any()
    assert np.array_equal(lip_edge_outline(painted, closed, into, iod), closed)


def _dropped_over_band(astronaut_face):
    """The astronaut with a grey band of lower teeth painted between a tracked inner lower lip 0.06 IOD up in the mouth
    and the real lip edge, as the warp leaves it: the target dropped the tracked lower lip 0.05 IOD (surprise's jaw
    drop, fill weight 1) and the band came down with it. ``(frame, painted, src, dst, edge, tracked, into, iod)``."""
    frame, lm = astronaut_face
    xy = lm[:, :2].astype(np.float64)
    iod = float(interocular_distance(xy))
    into = _into_lip(xy)
    edge = xy[list(LOWER_INNER)]
    tracked = edge - 0.06 * iod * into
    painted = frame.copy()
    band = np.concatenate([tracked, edge[::-1]])
    cv2.fillPoly(painted, [np.round(band * 16).astype(np.int32)], GREY_TEETH, cv2.LINE_8, 4)
    dst = xy.copy()
    dst[list(LOWER_INNER)] = tracked
    src = dst.copy()
    src[list(LOWER_INNER)] -= 0.05 * iod * into
    return frame, painted, src, dst, edge, tracked, into, iod


def _band_inside(frame, edge, tracked, into, iod) -> np.ndarray:
    """``(H, W) uint8``: the middle of the band, 0.015 IOD in from its edges."""
    inside = np.zeros(frame.shape[:2], np.uint8)
    shrunk = np.concatenate([tracked + 0.015 * iod * into, (edge - 0.015 * iod * into)[::-1]])
    cv2.fillPoly(inside, [np.round(shrunk[2:7].tolist() + shrunk[-7:-2].tolist()).astype(np.int32)], 1)
    return inside


def test_the_fill_reaches_the_lip_below_the_band(astronaut_face) -> None:
    """fill_mouth on a target that drops the lower lip of a source with no interior of its own to split (counted
    closed: ``mouth_open`` above its opening): the painted band between the tracked inner lip and the real lip edge
    is filled over (no mouth inside a mouth), the lip below the edge is left as it was."""
    frame, painted, src, dst, edge, tracked, into, iod = _dropped_over_band(astronaut_face)
    assert reach_share(src, dst) == 1.0 and reach_share(dst, dst) == 0.0  # a lower lip that stays: main's fill
    box = (0, 0, frame.shape[1], frame.shape[0])
    out, flags = fill_mouth(painted, box, painted, src, dst, None, RenderConfig(mouth_open=1.0))
    assert flags["mouth_fill"] == "synthesised"
    inside = _band_inside(frame, edge, tracked, into, iod)
    luma = np.array([0.2126, 0.7152, 0.0722], np.float32)
    assert inside.sum() > 20
    assert (out[inside > 0] @ luma).mean() < 0.5 * (painted[inside > 0] @ luma).mean()  # the grey band is filled
    lip = np.zeros(frame.shape[:2], np.uint8)
    below = np.concatenate([edge + 0.05 * iod * into, (edge + 0.09 * iod * into)[::-1]])  # past the soft edge
    cv2.fillPoly(lip, [np.round(below[2:7].tolist() + below[-7:-2].tolist()).astype(np.int32)], 1)
    changed = np.abs(out[lip > 0] - painted[lip > 0]).max(axis=1) > 1e-6
    assert changed.mean() < 0.05  # the real lip below the edge is left as it was


def test_an_open_mouth_whose_lower_lip_drops_is_split_with_its_band(astronaut_face) -> None:
    """The same drop under an open source mouth (the astronaut's smile shows its teeth): its own interior is split
    between the lips (``jaw_split.py``), so the band of lower teeth stays on the lower lip it came down with instead
    of being filled over by another interior; the face mesh reads the result's inner lower lip on those teeth as it
    did on the source's (speaking astronaut made surprised: mouth PCC 0.896 retrieved, 0.923 split)."""
    frame, painted, src, dst, edge, tracked, into, iod = _dropped_over_band(astronaut_face)
    box = (0, 0, frame.shape[1], frame.shape[0])
    out, flags = fill_mouth(painted, box, painted, src, dst, None, RenderConfig())
    assert flags["mouth_fill"] == "split"
    inside = _band_inside(frame, edge, tracked, into, iod) > 0
    assert inside.sum() > 20
    luma = np.array([0.2126, 0.7152, 0.0722], np.float32)
    kept = (out[inside] @ luma).mean() / (painted[inside] @ luma).mean()
    assert 0.9 < kept < 1.1, kept  # the band is left as the warp carried it (the fill's soft edge touches its top)
    opening = np.zeros(frame.shape[:2], np.uint8)  # the target's inner lips: filled (teeth and a cavity between)
    cv2.fillPoly(opening, [np.round(dst[list(LIPS_INNER)]).astype(np.int32)], 1)
    assert np.abs(out[opening > 0] - painted[opening > 0]).max(axis=1).mean() > 0.01
