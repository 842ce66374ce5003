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

IOD_PX = 44.0  # the speaking astronaut's
LIP = np.array([0.45, 0.2, 0.18], np.float32)  # scene-linear
SKIN = np.array([0.6, 0.4, 0.3], np.float32)
TEETH = np.array([0.5, 0.48, 0.42], np.float32)


def _face() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(landmarks (478, 2), image (200, 200, 3), teeth (200, 200) bool)``: mean-face lips, textured lip colour
    between the outlines, and a grey band of teeth 2 px wide along the upper lip's inner edge."""
    face = load_mean_face()[:, :2].astype(np.float64) * IOD_PX + 100.0
    image = np.broadcast_to(SKIN, (200, 200, 3)).copy()
    lips = np.zeros((200, 200), np.uint8)
    cv2.fillPoly(lips, [np.round(face[list(LIPS_OUTER)] * 16).astype(np.int32)], 1, cv2.LINE_8, 4)
    texture = 1.0 + 0.15 * np.sin(np.arange(200) * 1.3)[None, :, None] * np.cos(np.arange(200) * 0.9)[:, None, None]
    image[lips > 0] = (LIP * texture)[lips > 0]
    inner = np.zeros_like(lips)
    cv2.fillPoly(inner, [np.round(face[list(LIPS_INNER)] * 16).astype(np.int32)], 1, cv2.LINE_8, 4)
    upper_edge = cv2.dilate(inner, np.ones((5, 1), np.uint8), anchor=(0, 4)) & (inner == 0) & (lips > 0)
    image[upper_edge > 0] = TEETH
    return face, image, upper_edge > 0


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


def test_teeth_along_a_parted_mouths_dark_gap_are_kept():
    """At a syllable's peak the teeth edging the dark gap are where the face mesh reads the inner lip: painted over
    with lip texture, the re-read opening shrank at the peaks (speaking astronaut sad, mouth PCC 0.92 -> 0.90). A
    dark cavity next to the grey band (inside the inner outline) keeps the band (within ``NEAR_CAVITY_IOD``); the
    band away from it goes."""
    face, image, teeth = _face()
    inner = np.zeros((200, 200), np.uint8)
    cv2.fillPoly(inner, [np.round(face[list(LIPS_INNER)] * 16).astype(np.int32)], 1, cv2.LINE_8, 4)
    ys, xs = np.nonzero(teeth)
    left = xs < np.median(xs)  # the gap is parted on the left half only
    gap = np.zeros_like(teeth)
    for x in np.unique(xs[left]):
        gap[ys[xs == x].min() - 3 : ys[xs == x].min(), x] = True
    image[gap & (inner > 0)] = 0.01
    ident = np.meshgrid(np.arange(200, dtype=np.float32), np.arange(200, dtype=np.float32))
    carried = interior_share(image, face, (ident[0], ident[1]))
    assert carried[1][gap & (inner > 0)].mean() > 0.9
    out, _ = repair_lips(image, (0, 0, 200, 200), face, carried, 1.0)
    top = np.zeros_like(teeth)  # the band's row next to the gap (on the left) or to the closed lips' line (right)
    for x in np.unique(xs):
        top[ys[xs == x].min(), x] = True
    columns = np.arange(200)[None, :]
    clear = np.abs(columns - np.median(xs)) > 0.1 * IOD_PX  # clear of the kept zone's edge
    near, far = top & (columns < np.median(xs)) & clear, top & (columns > np.median(xs)) & clear
    change = np.abs(out - image).max(axis=2)
    assert change[near].mean() < 0.4 * change[far].mean(), "teeth along the dark gap painted over"
    assert np.median(_redness(out[far])) > 0.8 * float(_redness(LIP[None])[0]), "the closed side's teeth kept"
