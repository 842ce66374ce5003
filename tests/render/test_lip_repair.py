"""repair_lips: teeth that the warp carries into the lips of a mouth the target closes (a smile's inner-lip outline
sits on its teeth) are replaced by the lips' own colour and texture: no grey band along the upper lip's edge."""

from __future__ import annotations

import cv2
import numpy as np

from ned_core.analysis.mean_face import load_mean_face
from ned_core.analysis.regions import LIPS_INNER, LIPS_OUTER
from ned_core.render.config import RenderConfig
from ned_core.render.lip_edge import _redness
from ned_core.render.lip_repair import interior_share, repair_lips, repair_weight
from ned_core.render.luma import luma

IOD_PX = 44.0  # the speaking astronaut's
LIP = np.array([0.45, 0.2, 0.18], np.float32)  # scene-linear
SKIN = np.array([0.6, 0.4, 0.3], np.float32)
TEETH = np.array([0.5, 0.48, 0.42], np.float32)


def _face(upper: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(landmarks (478, 2), image (200, 200, 3), teeth (200, 200) bool)``: mean-face lips, textured lip colour
    between the outlines, and a grey band of teeth up to 4 px wide along the lower lip's inner edge (``upper``: the
    upper lip's)."""
    face = load_mean_face()[:, :2].astype(np.float64) * IOD_PX + 100.0
    image = np.broadcast_to(SKIN, (200, 200, 3)).copy()
    lips = np.zeros((200, 200), np.uint8)
    cv2.fillPoly(lips, [np.round(face[list(LIPS_OUTER)] * 16).astype(np.int32)], 1, cv2.LINE_8, 4)
    texture = 1.0 + 0.15 * np.sin(np.arange(200) * 1.3)[None, :, None] * np.cos(np.arange(200) * 0.9)[:, None, None]
    image[lips > 0] = (LIP * texture)[lips > 0]
    inner = np.zeros_like(lips)
    cv2.fillPoly(inner, [np.round(face[list(LIPS_INNER)] * 16).astype(np.int32)], 1, cv2.LINE_8, 4)
    edge = cv2.dilate(inner, np.ones((5, 1), np.uint8), anchor=(0, 0 if upper else 4)) & (inner == 0) & (lips > 0)
    image[edge > 0] = TEETH
    return face, image, edge > 0


def test_teeth_in_the_lip_band_take_the_lips_colour_and_texture():
    face, image, teeth = _face()
    assert teeth.sum() > 20
    ident = np.meshgrid(np.arange(200, dtype=np.float32), np.arange(200, dtype=np.float32))
    carried = interior_share(image, face, (ident[0], ident[1]))
    assert carried[0][teeth].mean() > 0.9 and not carried[1].any()  # teeth, no dark cavity
    out, share = repair_lips(image, (0, 0, 200, 200), face, carried, 1.0)
    assert 0.0 < share < 0.8
    red = _redness(out[teeth])
    assert np.median(red) > 0.8 * float(_redness(LIP[None])[0]), f"teeth kept: redness {np.median(red):.2f}"
    assert out[teeth].std(axis=0).max() > 0.01, "a flat fill, not the lip's texture"
    lips = np.zeros((200, 200), np.uint8)
    cv2.fillPoly(lips, [np.round(face[list(LIPS_OUTER)] * 16).astype(np.int32)], 1, cv2.LINE_8, 4)
    outside = cv2.dilate(lips, np.ones((5, 5), np.uint8)) == 0  # the skin around the lips is left as it was
    np.testing.assert_array_equal(out[outside], image[outside])


def test_an_unedited_or_opened_mouth_is_left_alone():
    config = RenderConfig()
    assert repair_weight(0.12, 0.12, config) == 0.0
    assert repair_weight(0.05, 0.15, config) == 0.0
    assert repair_weight(0.15, 0.01, config) == 1.0
    face, image, _ = _face()
    out, share = repair_lips(image, (0, 0, 200, 200), face, np.ones((2, 200, 200), np.float32), 0.0)
    assert out is image and share == 0.0


def _parted_on_the_left(upper: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(landmarks, image, carried (2, 200, 200), near (200, 200) bool, far (200, 200) bool)``: :func:`_face` with
    a dark gap 3 px tall next to the grey band on the left half of the mouth (inside the inner outline); ``near`` and
    ``far``: the band's row next to the gap (left) and next to the closed lips' line (right), clear of the zone's
    edge."""
    face, image, teeth = _face(upper)
    inner = np.zeros((200, 200), np.uint8)
    cv2.fillPoly(inner, [np.round(face[list(LIPS_INNER)] * 16).astype(np.int32)], 1, cv2.LINE_8, 4)
    ys, xs = np.nonzero(teeth)
    left = xs < np.median(xs)
    gap, edge = np.zeros_like(teeth), np.zeros_like(teeth)
    for x in np.unique(xs):
        y = ys[xs == x].max() if upper else ys[xs == x].min()
        edge[y, x] = True
        if x < np.median(xs):
            gap[y + 1 : y + 4, x] = upper
            gap[y - 3 : y, x] = not upper
    image[gap & (inner > 0)] = 0.01
    ident = np.meshgrid(np.arange(200, dtype=np.float32), np.arange(200, dtype=np.float32))
    carried = interior_share(image, face, (ident[0], ident[1]))
    assert carried[1][gap & (inner > 0)].mean() > 0.9
    columns = np.arange(200)[None, :]
    clear = np.abs(columns - np.median(xs)) > 0.1 * IOD_PX
    return face, image, carried, edge & (columns < np.median(xs)) & clear, edge & (columns > np.median(xs)) & clear


def test_upper_teeth_along_a_parted_mouths_dark_gap_take_the_gaps_colour():
    """At a syllable's peak the teeth edging the dark gap are where the face mesh reads the inner lip: painted over
    with lip texture, the re-read opening shrank at the peaks (speaking astronaut sad, mouth PCC 0.92 -> 0.90); kept,
    they were a ragged grey rim of tooth fragments around the gap of every closed-down mouth (neutral, sad, angry,
    disgusted). In the upper lip, within ``NEAR_CAVITY_IOD`` of the dark cavity, they take its colour (a clean dark
    gap, its edge where the teeth's was); the band away from it takes the lips'."""
    face, image, carried, near, far = _parted_on_the_left(upper=True)
    out, _ = repair_lips(image, (0, 0, 200, 200), face, carried, 1.0)
    assert np.median(luma(out[near])) < 0.25 * float(luma(TEETH[None])[0]), "grey teeth kept along the dark gap"
    assert np.median(_redness(out[far])) > 0.8 * float(_redness(LIP[None])[0]), "the closed side's teeth kept"


def test_lower_teeth_along_the_gap_and_teeth_in_a_sealed_column_take_the_lips_colour():
    """In the lower lip the teeth along the gap take the lips' texture (darkened, a raised upper lip's window of teeth
    edging the gap from below, disgust's, lost its mouth PCC 0.94 -> 0.89 on the held-out speaking astronaut). Where
    ``lip_seal`` paints a column shut there is no gap to edge: the upper lip's teeth take the lips' texture too
    (darkened, they tinted the seal's lip colour, which averages the lips around, grey)."""
    face, image, carried, near, _ = _parted_on_the_left(upper=False)
    out, _ = repair_lips(image, (0, 0, 200, 200), face, carried, 1.0)
    assert np.median(_redness(out[near])) > 0.8 * float(_redness(LIP[None])[0]), "lower teeth kept or darkened"
    face, image, carried, near, _ = _parted_on_the_left(upper=True)
    out, _ = repair_lips(image, (0, 0, 200, 200), face, carried, 1.0, np.ones(11))
    assert np.median(_redness(out[near])) > 0.8 * float(_redness(LIP[None])[0]), "darkened under a seal"
