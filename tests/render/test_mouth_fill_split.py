"""A split mouth over a stored interior: the frame's own teeth move with their lips, the cavity the jaw opens between
them is the stored mouth's, shaded as it was, and the stored teeth do not show (the flat slab of a synthesised cavity
and a second row of stretched stored teeth are what these catch)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from ned_core.analysis.mean_face import load_mean_face
from ned_core.analysis.regions import LIPS_INNER, LIPS_OUTER
from ned_core.face3d.lips import INNER_PAIRS
from ned_core.render import MOUTH_SPLIT, RenderConfig, build_mouth_index
from ned_core.render.base import ShotContext
from ned_core.render.lip_edge import LOWER_INNER, LOWER_OUTER
from ned_core.render.jaw_split import CORNER_IDS, SPLIT_AT
from ned_core.render.mouth_fill import LOWER_BAND, fill_mouth, fill_weight, parted_growth
from ned_core.render.mouth_index import mouth_shape

IOD_PX, CENTRE, SIZE = 250.0, 450.0, 900
UPPER, LOWER = INNER_PAIRS[4]  # the inner lips' middle pair
SKIN = (0.5, 0.35, 0.3)
OWN_TEETH, OWN = (0.8, 0.7, 0.3), (0.1, 0.1, 0.4)  # the source frame's teeth and cavity: yellow, blue
OWN_TEETH_IOD = 0.06  # below its upper inner lip
STORED_TEETH = (0.8, 0.8, 0.8)  # the stored frame's, white and longer: more of them show
STORED_TEETH_IOD = 0.11
SOURCE_GAP_IOD = 0.093 + 0.12  # the source frame's opening: the mean face's and the lower lip dropped
CAVITY_TOP, CAVITY_BOTTOM = np.array((0.02, 0.005, 0.005)), np.array((0.3, 0.08, 0.08))  # dark back, lit tongue


def _face(gap_iod: float) -> np.ndarray:
    """``(478, 3)`` mean-face landmarks, IOD_PX pixels per IOD, the lower lip dropped by ``gap_iod``."""
    lm = np.zeros((478, 3), np.float64)
    lm[:468] = load_mean_face() * IOD_PX + CENTRE
    lm[list(LOWER_INNER) + list(LOWER_OUTER), 1] += gap_iod * IOD_PX
    return lm


def _frame(lm: np.ndarray, interior) -> np.ndarray:
    """Skin, the mouth inside the inner lips painted row by row by ``interior(share from the upper lip)``."""
    frame = np.empty((SIZE, SIZE, 3), np.float32)
    frame[:] = SKIN
    mask = np.zeros((SIZE, SIZE), np.uint8)
    cv2.fillPoly(mask, [np.round(lm[list(LIPS_INNER), :2]).astype(np.int32)], 1)
    top, bottom = lm[UPPER, 1], lm[LOWER, 1]
    for y in np.flatnonzero(mask.any(axis=1)):
        frame[y, mask[y] > 0] = interior(float(np.clip((y - top) / (bottom - top), 0.0, 1.0)), y - top)
    cv2.polylines(frame, [np.round(lm[list(LIPS_OUTER), :2]).astype(np.int32)], True, (0.4, 0.15, 0.15), 3)
    return frame


def _own_interior(share: float, below_lip_px: float) -> tuple[float, float, float]:
    return OWN_TEETH if below_lip_px < OWN_TEETH_IOD * IOD_PX else OWN


def _stored_interior(share: float, below_lip_px: float) -> np.ndarray:
    """Upper teeth STORED_TEETH_IOD deep, then a cavity shaded from the dark back down to a lit tongue."""
    if below_lip_px < STORED_TEETH_IOD * IOD_PX:
        return np.array(STORED_TEETH)
    return CAVITY_TOP + share * (CAVITY_BOTTOM - CAVITY_TOP)


@pytest.fixture(scope="module")
def split_fill() -> tuple[np.ndarray, dict, np.ndarray]:
    """An open mouth (frame 1: the mean face's, 0.09 IOD between the middle of the inner lips, lower lip dropped 0.12
    IOD more) made to drop its jaw 0.22 IOD further, with a wider-open frame in the shot (2: dropped 0.2 IOD):
    ``(fill over the frame, flags, target landmarks)``."""
    src, stored = _face(0.12), _face(0.2)
    frames = {1: _frame(src, _own_interior), 2: _frame(stored, _stored_interior)}
    shot = ShotContext(np.array([1, 2]), np.stack([src, stored]).astype(np.float32), (SIZE, SIZE), frames.__getitem__)
    config = RenderConfig()
    index = build_mouth_index(shot, config)
    assert list(index.frames) == [1, 2]
    dst = _face(0.34)[:, :2]
    box = (0, 0, SIZE, SIZE)
    out, flags = fill_mouth(frames[1].copy(), box, frames[1], src[:, :2], dst, index, config, frame_number=1)
    return out, flags, dst


def _lum(rgb) -> np.ndarray:
    return np.asarray(rgb) @ np.array((0.2126, 0.7152, 0.0722))


def _column(out: np.ndarray, dst: np.ndarray) -> tuple[np.ndarray, float, float]:
    """The middle of the target opening: ``(out's column there, 7 px wide, (H, 3)), upper lip y, lower lip y)``."""
    x = int(round(dst[UPPER, 0]))
    return out[:, x - 3 : x + 4].mean(axis=1), float(dst[UPPER, 1]), float(dst[LOWER, 1])


def test_the_cavity_is_the_stored_mouths_shaded_interior(split_fill):
    """Between the frame's own upper part (SPLIT_AT of its opening, moved with the upper lip) and its lower lip edge
    (LOWER_BAND, moved with the lower lip) the opening shows the stored frame's cavity, dark at the back and lit
    toward the tongue (its red, its top-to-bottom ramp), where the split over a synthesised cavity showed a flat
    grey-black slab (the lips' colour darkened, darkest in the middle: no ramp, a skin-coloured hue)."""
    out, flags, dst = split_fill
    assert flags["mouth_fill"] == MOUTH_SPLIT and flags["mouth_frame"] == 2
    column, top, bottom = _column(out, dst)
    rows = np.arange(int(top + SPLIT_AT * SOURCE_GAP_IOD * IOD_PX) + 4,
                     int(bottom - LOWER_BAND * SOURCE_GAP_IOD * IOD_PX) - 6)
    cavity = column[rows]
    luminance = _lum(cavity)
    assert np.corrcoef(rows, luminance)[0, 1] > 0.9, "no top-to-bottom shading"
    assert luminance.min() >= 0.8 * _lum(CAVITY_TOP) and luminance.max() <= 1.1 * _lum(CAVITY_BOTTOM)
    assert np.ptp(luminance) > 0.3 * (_lum(CAVITY_BOTTOM) - _lum(CAVITY_TOP)), "flat"
    assert np.all(cavity[:, 0] > 2.5 * cavity[:, 1]), "not the stored cavity's red"
    own = column[int(bottom - 0.5 * LOWER_BAND * SOURCE_GAP_IOD * IOD_PX)]
    assert own[2] > 1.5 * own[0], "the source's own lower lip edge is gone"


def test_the_frames_own_teeth_and_no_stored_ones(split_fill):
    """Under the upper lip the frame's own teeth, as long as they were (they move with the lip: the words' teeth);
    the stored frame's longer teeth, which a wider opening would stretch below the frame's own upper part (a second
    row of teeth), do not show anywhere in the opening (the stored mouth warped whole into the target's inner lips
    shows 6 px of them)."""
    out, _, dst = split_fill
    column, top, bottom = _column(out, dst)
    inside = column[int(round(top)) : int(round(bottom))]
    yellow = np.flatnonzero((inside[:, 0] > 0.5) & (inside[:, 2] < 0.6 * inside[:, 0]))
    assert yellow.size and abs(int(yellow[-1]) + 1 - OWN_TEETH_IOD * IOD_PX) <= 1.5, "not the frame's own teeth"
    white = (inside.min(axis=1) > 0.5) & (inside[:, 2] > 0.85 * inside[:, 0])
    assert not white.any(), f"{int(white.sum())} px of stored teeth"


def test_a_little_wider_split_shows_one_row_of_teeth_not_a_faded_double():
    """The jaw dropped a little further than the source (the fill's weight about a half): the split is made (its
    teeth at their own size, the cavity opening between them), where it was cross-faded at that weight over the warp's
    taller stretched teeth, a half-transparent second row below the own one that came and went with the weight from
    frame to frame (speaking astronaut made afraid: weights 0.3-1.0 on consecutive frames). In the middle of the
    opening at weight 0.47, rows that are a blend of teeth and the dark interior: 5 cross-faded, 0 now."""
    src, stored = _face(0.12), _face(0.2)
    frames = {1: _frame(src, _own_interior), 2: _frame(stored, _stored_interior)}
    shot = ShotContext(np.array([1, 2]), np.stack([src, stored]).astype(np.float32), (SIZE, SIZE), frames.__getitem__)
    config = RenderConfig()
    index = build_mouth_index(shot, config)
    drop = 0.068
    dst = _face(0.12 + drop)
    weight = fill_weight(parted_growth(mouth_shape(src)[0], mouth_shape(dst)[0], config), config)
    assert 0.3 < weight < 0.7
    stretch = (SOURCE_GAP_IOD + drop) / SOURCE_GAP_IOD  # the warp's: the own teeth this much longer
    warped = _frame(dst, lambda share, below: OWN_TEETH if below < stretch * OWN_TEETH_IOD * IOD_PX else OWN)
    out, flags = fill_mouth(warped, (0, 0, SIZE, SIZE), frames[1], src[:, :2], dst[:, :2], index, config,
                            frame_number=1)
    assert flags["mouth_fill"] == MOUTH_SPLIT
    column, top, bottom = _column(out, dst[:, :2])
    luminance = _lum(column[int(round(top)) + 2 : int(round(bottom)) - 2])
    mixed = (luminance > 0.3) & (luminance < 0.55)  # the own teeth: 0.69, the interior below: under 0.15
    assert mixed.sum() <= 2, f"{int(mixed.sum())} rows of faded teeth"


def test_the_split_keeps_the_frames_upper_teeth_whole():
    """A grin's upper teeth reach further down its opening than the fixed split (SPLIT_AT) to the lower teeth they
    meet; made afraid, the upper lip slides over them: the split runs where they end (``jaw_split.teeth_end``), so the jaw opened under them shows them whole, as
    bright as they were, where the fixed split cut them short and blurred their cut edge into the cavity (speaking
    astronaut made afraid or surprised: a thin grey band of teeth; here 35 of their 42 rows shown)."""
    teeth_share = 0.78  # of the source's opening in every column, then a dark seam and the lower teeth
    src, stored = _face(0.12), _face(0.2)
    grin = _frame(src, lambda share, below: OWN)
    up, low = src[INNER_PAIRS[:, 0], :2], src[INNER_PAIRS[:, 1], :2]
    order = np.argsort(up[:, 0])
    for x in range(int(np.ceil(up[:, 0].min())), int(up[:, 0].max()) + 1):
        top = float(np.interp(x, up[order, 0], up[order, 1]))
        bottom = float(np.interp(x, low[order, 0], low[order, 1]))
        end = top + teeth_share * (bottom - top)
        grin[int(np.ceil(top)) : int(round(end)), x] = OWN_TEETH
        grin[int(round(end)) + 3 : int(bottom), x] = STORED_TEETH
    length = teeth_share * SOURCE_GAP_IOD * IOD_PX
    frames = {1: grin, 2: _frame(stored, _stored_interior)}
    shot = ShotContext(np.array([1, 2]), np.stack([src, stored]).astype(np.float32), (SIZE, SIZE), frames.__getitem__)
    config = RenderConfig()
    dst = _face(0.34)[:, :2]
    for corner, side in zip(CORNER_IDS, (-1.0, 1.0)):  # fear's stretch: the upper lip slides over teeth that stay
        dst[corner, 0] += side * 0.04 * IOD_PX
    out, flags = fill_mouth(frames[1].copy(), (0, 0, SIZE, SIZE), frames[1], src[:, :2], dst,
                            build_mouth_index(shot, config), config, frame_number=1)
    assert flags["mouth_fill"] == MOUTH_SPLIT
    column, top, _ = _column(out, dst)
    inside = column[int(round(top)) :]
    yellow = np.flatnonzero((inside[:, 0] > 0.6) & (inside[:, 2] < 0.5 * inside[:, 0]))
    assert yellow.size and abs(int(yellow[-1]) + 1 - length) <= 2.0, f"{int(yellow[-1]) + 1} of {length:.0f} rows"
    assert yellow.size >= length - 3, "teeth with gaps"
