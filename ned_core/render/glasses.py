"""Glasses stay rigid: a spectacle frame's rims around the eyes stay where they are and the skin moves behind them.

A spectacle frame rests on the nose and ears: it moves with the head, never with the brows or lids. The mesh
warp knows only skin, so a raised brow (surprise, fear) drags a rim lying over it up with it and bends it. Here
the rims are found in the source frame's window around the eyes and drawn in front of the warped skin, unmoved
(the edit's landmarks share the head's pose, so "with the head" is "not moved by the edit"); the skin is sampled
from the frame with the rims filled from the skin around them (:func:`warp_behind_rims`), so skin that comes out
from behind a rim (a brow raised over a browline frame) is skin, not a second rim, and moves as far as the edit
asks. (Held off the rims by stretching the skin beside them instead, over 1.6 x the largest displacement, Grace
Hopper's brows, which lie 0.02-0.05 IOD above her frame's top rim, kept 20-45 % of a raise at their lower edge.)

The cue (see :func:`rim_mask`): a rim is a long, sharp, high-contrast edge (frame plastic or metal against skin)
in the band above and below the eyes, outside the lids. In log luminance (so a dark or tinted grade changes
nothing) the step across an edge is measured at a scale of ~1 % of the inter-ocular distance (IOD); steps above
:data:`RIM_STEP` (a factor e^1.1 ~ 3 in luminance, beyond skin, wrinkles and most brows) that connect into a
component at least :data:`RIM_SPAN` IOD wide count. A face has glasses when such components add up to at least
:data:`RIM_MIN_LENGTH` IOD of edge on each side of the nose (a frame is symmetric): Grace Hopper's browline frame
gives ~5 IOD per side; the astronaut (no glasses) 1.1 on one side (her hairline at the temple, 1.8 before the
face oval is shrunk by :data:`OVAL_MARGIN`) and 0 on the other (measured on the real photos and dark, tinted grades
of them; see tests/render/test_glasses.py).

What this costs the judge: fer (fer's own crop) reads a browline frame's top rim as the brows. On Grace Hopper's still,
with the rims left to the warp (bent with the brows, a defect) sad:1.5 read sad (p(sad) 0.56, 100 %), with them held
still 0 % (0.13); sad p(sad) 0.18 / 0.11, angry:1.5 p(angry) 0.23 / 0.03. Her own brows, moved above the rims, and
the creases barely count (rims held): angry:1.5's glabellar furrows twice as deep and half as long again p(angry)
0.03 -> 0.06, sad's forehead lines twice as deep p(sad) 0.11 -> 0.10, its brow raise at 1.4 0.20, its lid droop
doubled 0.16, that with AU4 at 0.8 0.23; its corners and chin at 1.2 / 0.8 0.08 (h113's experiments, one frame).

In a shot, the rims are found in a few frames and kept on a head-fixed grid (:func:`shot_rims`), then placed on each
frame by its head pose (:func:`rims_in_frame`): a per-frame mask's edge flickers with the threshold.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ned_core.analysis.regions import FACE_OVAL, LEFT_BROW, LEFT_EYE, RIGHT_BROW, RIGHT_EYE, interocular_distance
from ned_core.render.luma import luma
from ned_core.render.mouth_index import template_from_image
from ned_core.render.warp import remap

RIM_STEP = 1.1  # least log-luminance step across a rim edge
RIM_SPAN = 0.35  # least horizontal extent (IOD) of one connected rim edge
RIM_MIN_LENGTH = 1.5  # least total rim edge (pixels per IOD, ~ edge length in IOD) for a face to count as glasses
DETECT_IOD = 80.0  # faces larger than this (IOD, px) are looked at scaled down to it
EDGE_SCALE = 0.012  # Gaussian scale (IOD) the edges are measured at
OVAL_MARGIN = 0.1  # the face oval shrunk by this (IOD) where rims are looked for ...
OVAL_REACH = 0.1  # ... and grown by this where a found rim's edges are followed (its ends: :func:`_whole_rims`)
SPAN = 0.12  # a found rim's gaps up to this tall (IOD) within one column are rim (its highlights)
GLINT_BELOW, GLINT_SATURATION = 0.08, 0.6  # light glinting off the frame below a rim (:func:`_highlights`)
LID_MARGIN = 0.07  # eye contours grown by this (IOD): lid margins and lashes are not rims
ABOVE_BROWS = 0.12  # the search band reaches this far (IOD) above the brows' top
BELOW_EYES = 0.4  # ... and this far below the eyes
BESIDE_EYES = 0.4  # ... and this far beside the outer eye corners (a frame's outer ends, ~0.35 on Grace Hopper)
BORDER = 0.03  # a rim takes in the dark pixels this far (IOD) below it (:func:`_with_border`)
CLOSE = 0.1  # a rim's two edges closed into its body by a disc this wide (IOD)
BRIDGE_GAP = 0.5  # rims whose inner ends are at most this far apart (IOD) are joined across the nose ...
BRIDGE_END = 0.1  # ... by a band anchored this far (IOD) back from their inner ends ...
BRIDGE_THICK = 0.05  # ... at least this thick (IOD): a hairline does not survive the shot's head-grid vote
FILL_SCALES = (0.03, 0.06, 0.12, 0.24)  # Gaussian scales (IOD) the rims are filled from the skin around at
REACH = 0.3  # the largest displacement (IOD) that may carry a pixel's sample onto a rim (raised brows: ~0.15)
RIM_EDGE = 0.02  # the source's rims are shown this far (IOD) beyond the mask (their soft edge)
FRONT_SMOOTH = 0.015  # the rims' outline is smoothed at this Gaussian scale (IOD) where they are shown in front
SPECK = 0.01  # rim parts a disc this wide (IOD radius) does not fit in are not shown in front (rim_front)
DETAIL_SCALE = 0.02  # the skin's texture carried into the fill: finer than this Gaussian scale (IOD) ...
DETAIL_GAP = 0.04  # ... taken from skin at least this far (IOD) from a rim (:func:`_skin_detail`) ...
DETAIL_MAX = 0.25  # ... its log luminance clipped to this (a dark hair strand or a highlight is not carried whole)


def rim_read_box(landmarks: np.ndarray, frame_size: tuple[int, int]) -> tuple[int, int, int, int]:
    """The part ``(x0, y0, x1, y1)`` of a ``frame_size (H, W)`` frame that :func:`rim_mask` looks at for the face at
    ``landmarks`` (``(>= 468, 2+)`` frame pixels): :func:`rim_mask` (and :func:`rim_vote`) of any part holding it, the
    landmarks moved by the part's origin, finds the same rims, so a reader need not take the face's whole window (at
    4K ~1/10 of its pixels). Empty (``x1 <= x0`` or ``y1 <= y0``) for a face off the frame."""
    lm = np.asarray(landmarks, np.float64)[:, :2]
    iod = float(interocular_distance(lm))
    eyes, brows = lm[list(RIGHT_EYE + LEFT_EYE)], lm[list(RIGHT_BROW + LEFT_BROW)]
    height, width = frame_size
    return (max(int(eyes[:, 0].min() - BESIDE_EYES * iod), 0), max(int(brows[:, 1].min() - ABOVE_BROWS * iod), 0),
            min(int(np.ceil(eyes[:, 0].max() + BESIDE_EYES * iod)) + 1, width),
            min(int(np.ceil(eyes[:, 1].max() + BELOW_EYES * iod)) + 1, height))


def rim_mask(frame: np.ndarray, landmarks: np.ndarray) -> tuple[tuple[int, int, int, int], np.ndarray] | None:
    """The spectacle rims around the eyes of one face, or None when the face wears no glasses (see the module).

    Args:
        frame: ``(H, W, 3) float32`` scene-linear frame.
        landmarks: ``(>= 468, 2+)`` the face's landmarks in frame pixels.

    Returns:
        ``(window (x0, y0, x1, y1), mask (y1 - y0, x1 - x0) bool)``: the rim pixels, or None.
    """
    lm = np.asarray(landmarks, np.float64)[:, :2]
    iod = float(interocular_distance(lm))
    x0, y0, x1, y1 = rim_read_box(lm, frame.shape[:2])
    if x1 - x0 < 3 or y1 - y0 < 3 or iod < 4.0:
        return None
    rims = _find_rims(np.asarray(frame[y0:y1, x0:x1], np.float32), lm - (x0, y0), iod)
    return None if rims is None else ((x0, y0, x1, y1), rims)


def _find_rims(window: np.ndarray, lm: np.ndarray, iod: float) -> np.ndarray | None:
    """:func:`rim_mask` over one window (``lm`` in window pixels), found at :data:`DETECT_IOD` px per IOD."""
    zoom = min(1.0, DETECT_IOD / iod)
    if zoom < 1.0:  # the cue is measured in IOD units: a large face is looked at smaller, at the same cost
        small = cv2.resize(window, None, fx=zoom, fy=zoom, interpolation=cv2.INTER_AREA)
        found = _find_rims(small, (lm + 0.5) * (small.shape[1] / window.shape[1]) - 0.5, DETECT_IOD)
        if found is None:
            return None
        size = (window.shape[1], window.shape[0])
        return cv2.resize(found.astype(np.uint8), size, interpolation=cv2.INTER_NEAREST).astype(bool)
    band = _search_band(lm, (0, 0, window.shape[1], window.shape[0]), iod)
    lum = np.log(np.maximum(luma(window), 1e-3))
    scale = max(0.7, EDGE_SCALE * iod)
    blurred = cv2.GaussianBlur(lum, (0, 0), scale)
    gx = cv2.Sobel(blurred, cv2.CV_32F, 1, 0, ksize=3) / 8.0
    gy = cv2.Sobel(blurred, cv2.CV_32F, 0, 1, ksize=3) / 8.0
    step = np.hypot(gx, gy) * scale * np.sqrt(2.0 * np.pi)  # a blurred step's height from its peak gradient
    strong = ((step > RIM_STEP) & band).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(strong, connectivity=8)
    wide = np.flatnonzero(stats[1:, cv2.CC_STAT_WIDTH] >= RIM_SPAN * iod) + 1
    midline = float(lm[168, 0])  # the nose bridge
    left_end, right_end = stats[wide, cv2.CC_STAT_LEFT], stats[wide, cv2.CC_STAT_LEFT] + stats[wide, cv2.CC_STAT_WIDTH]
    area = stats[wide, cv2.CC_STAT_AREA]
    if min(area[left_end < midline].sum(), area[right_end > midline].sum()) < RIM_MIN_LENGTH * iod:
        return None  # a frame has a rim on each side of the nose (a hairline or brow on one side is not one)
    reach = _search_band(lm, (0, 0, window.shape[1], window.shape[0]), iod, -OVAL_REACH)
    rims = _whole_rims(np.isin(labels, wide), (step > RIM_STEP) & reach, iod)
    rims = cv2.morphologyEx(rims, cv2.MORPH_CLOSE, _disc(CLOSE * iod / 2)).astype(bool)
    rims &= reach
    _bridge(rims, midline, BRIDGE_GAP * iod, iod)
    rims = _with_border(rims, lum, band, lm, iod)
    return rims | _highlights(rims, window, lum, band, iod)


def _whole_rims(found: np.ndarray, strong: np.ndarray, iod: float) -> np.ndarray:
    """``(h, w) bool``: the rims ``found`` in the search band, whole. The band stops :data:`OVAL_MARGIN` inside the
    face oval (the temples' hairline), where a frame's outer ends go on to the arms; the rim edges beyond it, in
    ``strong`` (the edges inside the oval grown by :data:`OVAL_REACH`), that connect to a found rim are rim too. Left
    out, they were warped with the skin: fear's outer brow raise dragged Grace Hopper's rim tips up and bent them, and
    the fill behind the rims took in their dark metal (a dark smudge risen above the tip). A rim's own highlight (a
    bright reflection on the bar, no edge inside) is rim: the gaps up to :data:`SPAN` IOD tall between rim pixels of
    one column are closed (a brow's edge, 0.02-0.05 IOD above the bar, is no rim pixel: it stays out)."""
    _, labels = cv2.connectedComponents(strong.astype(np.uint8), connectivity=8)
    touching = np.unique(labels[found & strong])
    whole = np.isin(labels, touching[touching > 0]) | found
    tall = max(3, 2 * int(round(SPAN * iod / 2)) + 1)
    return cv2.morphologyEx(whole.astype(np.uint8), cv2.MORPH_CLOSE, np.ones((tall, 1), np.uint8))


def _with_border(rims: np.ndarray, lum: np.ndarray, band: np.ndarray, lm: np.ndarray, iod: float) -> np.ndarray:
    """The rims with their dark lower border: the pixels up to :data:`BORDER` IOD below a rim, outside the eyes,
    whose log luminance lies more than half a :data:`RIM_STEP` below the skin's (the search band's median off the
    rims), i.e. on the rim's side of its edge. The closed edges stop at the edges' peaks, half-way down a rim's soft
    border, and the lid margins are kept out of the search, cutting a rim's tip where it dips toward the inner eye
    corner: the skin rising under the frame (the lids) would replace those dark pixels, thinning and bending the
    rim's tips. Only below: above a rim lie the brows, as dark, and they must move."""
    skin = float(np.median(lum[band & ~rims])) if (band & ~rims).any() else float(np.median(lum))
    eyes = np.zeros(rims.shape, np.uint8)
    for eye in (RIGHT_EYE, LEFT_EYE):
        cv2.fillPoly(eyes, [np.round(lm[list(eye)]).astype(np.int32)], 1)
    below = _below(rims, BORDER * iod)  # the pixels just below a rim (above it lie the brows, dark too: they move)
    return rims | (below & (lum < skin - RIM_STEP / 2) & (eyes == 0))


def _below(mask: np.ndarray, reach: float) -> np.ndarray:
    """``(h, w) bool``: the pixels at most ``reach`` px (at least 1) straight below one of ``mask (h, w) bool``."""
    below = np.zeros_like(mask)
    for shift in range(1, max(1, int(round(reach))) + 1):
        below[shift:] |= mask[:-shift]
    return below


def _highlights(rims: np.ndarray, window: np.ndarray, lum: np.ndarray, band: np.ndarray, iod: float) -> np.ndarray:
    """``(h, w) bool``: the light glinting off the frame below the rims (the lens's bevel, the rim's inner face):
    pixels of the search band (off the lids) up to :data:`GLINT_BELOW` IOD below a rim that are lighter than the skin
    (the band's median off the rims) by more than half a :data:`RIM_STEP` and less saturated than
    :data:`GLINT_SATURATION` x the skin's. A reflection lies on the frame, not on the skin: warped with the lid behind
    it, Grace Hopper's white glint under her left bar's tip slid up with fear's raised lids. Only below a rim: above
    it the lit brow and forehead move."""
    skin = band & ~rims
    if not skin.any():
        return np.zeros_like(rims)
    top, bottom = window.max(axis=2), window.min(axis=2)
    saturation = (top - bottom) / np.maximum(top, 1e-6)
    return (_below(rims, GLINT_BELOW * iod) & band & ~rims & (lum > float(np.median(lum[skin])) + RIM_STEP / 2)
            & (saturation < GLINT_SATURATION * float(np.median(saturation[skin]))))


def _bridge(rims: np.ndarray, midline: float, widest: float, iod: float) -> None:
    """Join the two rims across the nose in place: the gap between their inner ends (at most ``widest`` px) filled
    by a band (a frame's bridge, often clear plastic or thin metal the edges miss).

    The band's bottom runs between the rims' bottom rows :data:`BRIDGE_END` IOD back from their inner ends, where a
    rim has its full thickness (a rim's tip tapers to a pixel or two: a band anchored there is a hairline that the
    shot's head-grid vote breaks, and the rim's thin continuation into the bridge is then warped with the brows
    while the rim beside it is held: a kink), its top between the tips' top rows (no higher: the glabella and the
    inner brows above it must move; anchored higher, brow inner up at surprised fell 0.104 -> 0.077 IOD on
    "hopper speaking warm-dark"); it is at least :data:`BRIDGE_THICK` IOD thick and takes in the rims' tips
    between its anchors whole (down to the band's bottom)."""
    cols = np.flatnonzero(rims.any(axis=0))
    left, right = cols[cols < midline], cols[cols > midline]
    if len(left) == 0 or len(right) == 0 or right.min() - left.max() > widest:
        return
    back = max(1, int(round(BRIDGE_END * iod)))
    a = int(left[np.searchsorted(left, left.max() - back)])  # the first rim column at most `back` before the end
    b = int(right[np.searchsorted(right, right.min() + back, side="right") - 1])
    thick = BRIDGE_THICK * iod
    ends = [np.flatnonzero(rims[:, c]).max() for c in (a, b)]  # the bottom rows at the anchors
    tips = [np.flatnonzero(rims[:, c]).min() for c in (int(left.max()), int(right.min()))]  # the top rows at the tips
    for c in range(a, b + 1):
        t = (c - a) / max(b - a, 1)
        bottom = (1 - t) * ends[0] + t * ends[1]
        own = np.flatnonzero(rims[:, c])  # a tapering tip (curving down to the bridge): held whole, down to the band
        if len(own):
            top, bottom = own.min(), max(bottom, own.max())
        else:  # the band's top runs between the tips' tops: no higher, toward the brows (they must move)
            u = (c - left.max()) / max(right.min() - left.max(), 1)
            top = (1 - u) * tips[0] + u * tips[1]
        rims[max(int(round(top)), 0):int(round(max(bottom, top + thick))) + 1, c] = True


def _disc(radius: float) -> np.ndarray:
    r = max(1, int(round(radius)))
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))


def _search_band(lm: np.ndarray, window: tuple[int, int, int, int], iod: float,
                 margin: float = OVAL_MARGIN) -> np.ndarray:
    """``(h, w) bool`` over ``window``: inside the face oval shrunk by ``margin`` IOD (grown where negative),
    outside the lids (grown by :data:`LID_MARGIN`), and not on the nose below the inner eye corners (its sides are
    long edges too)."""
    x0, y0, x1, y1 = window
    shape = (y1 - y0, x1 - x0)
    face = np.zeros(shape, np.uint8)
    cv2.fillPoly(face, [np.round(lm[list(FACE_OVAL)] - (x0, y0)).astype(np.int32)], 1)
    if margin > 0:  # the hairline at the temples is no rim
        face = cv2.erode(face, _disc(margin * iod), borderValue=1)
    elif margin < 0:
        face = cv2.dilate(face, _disc(-margin * iod))
    lids = np.zeros(shape, np.uint8)
    for eye in (RIGHT_EYE, LEFT_EYE):
        cv2.fillPoly(lids, [np.round(lm[list(eye)] - (x0, y0)).astype(np.int32)], 1)
    lids = cv2.dilate(lids, _disc(LID_MARGIN * iod))
    inner = lm[[133, 362]]  # inner eye corners (subject's right, left)
    nose = np.zeros(shape, np.uint8)
    top = int(round(inner[:, 1].max() - y0 + LID_MARGIN * iod))
    nose[max(top, 0):, max(int(round(inner[:, 0].min() - x0)), 0):max(int(round(inner[:, 0].max() - x0)) + 1, 0)] = 1
    return (face > 0) & (lids == 0) & (nose == 0)


def warp_behind_rims(image: np.ndarray, map_x: np.ndarray, map_y: np.ndarray, box: tuple[int, int, int, int],
                     rims: tuple[tuple[int, int, int, int], np.ndarray] | None, iod: float,
                     front: np.ndarray | None = None) -> np.ndarray:
    """Sample ``image`` through the backward map with the frame in front of the face: the rims stay where they are
    and the skin moves behind them.

    The rims show the source's pixels, fading out over :data:`RIM_EDGE` beyond them (their soft edge,
    :func:`rim_front`; the maps are made the identity over that edge, in place); everywhere else the warp samples
    the frame with those pixels filled from the skin around them (:func:`_fill`), so skin that moves away from a
    rim uncovers skin, not a second rim, and moves as far as the edit asks. The maps (the plate's STMap) send a
    sample that falls on a rim to the skin beside it (:func:`_map_off_holes`).

    Args:
        image: ``(H, W, 3) float32`` the source frame.
        map_x, map_y: ``(h, w) float32`` backward map over ``box`` (frame pixels); changed in place (above).
        box: ``(x0, y0, x1, y1)`` of the maps.
        rims: :func:`rim_mask`'s result (None: a plain remap).
        iod: the face's inter-ocular distance in pixels.
        front: ``rim_front(rims, box, iod)`` where the caller already has it (the renderer paints the eyeballs
            behind it too), else worked out here.

    Returns:
        ``(h, w, 3) float32`` the warped box.
    """
    if rims is None:
        return remap(image, map_x, map_y)
    (wx0, wy0, wx1, wy1), mask = rims
    bx0, by0, bx1, by1 = box
    grow = max(int(round(RIM_EDGE * iod)), 1)
    height, width = image.shape[:2]
    hx0, hy0 = max(wx0 - grow, 0), max(wy0 - grow, 0)  # the grown rims' window, within the frame
    hx1, hy1 = min(wx1 + grow, width), min(wy1 + grow, height)
    cx0, cy0, cx1, cy1 = max(hx0, bx0), max(hy0, by0), min(hx1, bx1), min(hy1, by1)
    if cx1 <= cx0 or cy1 <= cy0:
        return remap(image, map_x, map_y)
    holes = np.zeros((hy1 - hy0, hx1 - hx0), np.uint8)
    sx0, sy0, sx1, sy1 = max(wx0, hx0), max(wy0, hy0), min(wx1, hx1), min(wy1, hy1)
    holes[sy0 - hy0:sy1 - hy0, sx0 - hx0:sx1 - hx0] = mask[sy0 - wy0:sy1 - wy0, sx0 - wx0:sx1 - wx0]
    holes = cv2.dilate(holes, _disc(grow)) > 0
    if not holes[cy0 - hy0:cy1 - hy0, cx0 - hx0:cx1 - hx0].any():
        return remap(image, map_x, map_y)
    # the skin layer, over the samples and the rims only (no full-frame copy)
    lo_x = max(int(np.floor(min(float(map_x.min()), hx0))) - 1, 0)
    lo_y = max(int(np.floor(min(float(map_y.min()), hy0))) - 1, 0)
    hi_x = min(int(np.ceil(max(float(map_x.max()), hx1))) + 2, width)
    hi_y = min(int(np.ceil(max(float(map_y.max()), hy1))) + 2, height)
    layer = np.array(image[lo_y:hi_y, lo_x:hi_x], np.float32)
    _fill(layer, (hx0 - lo_x, hy0 - lo_y), holes, iod)
    out = remap(layer, map_x - np.float32(lo_x), map_y - np.float32(lo_y))
    sub = (slice(cy0 - by0, cy1 - by0), slice(cx0 - bx0, cx1 - bx0))
    if front is None:
        front = rim_front(rims, box, iod)
    alpha = _shown(None if front is None else front[sub], holes[cy0 - hy0:cy1 - hy0, cx0 - hx0:cx1 - hx0],
                   map_x[sub], map_y[sub], (cx0, cy0))[..., None]
    source = image[cy0:cy1, cx0:cx1]
    mixed = np.subtract(source, out[sub])  # out + alpha * (source - out), in place; the source where alpha >= 1
    mixed *= alpha
    mixed += out[sub]
    np.copyto(mixed, source, where=alpha >= 1.0)
    out[sub] = mixed
    held = alpha[..., 0] >= 0.5  # the STMap: the source where it mostly shows
    reach = int(np.ceil(REACH * iod))  # the pixels that may sample a rim: those this near it
    near = (slice(max(hy0 - reach, by0) - by0, min(hy1 + reach, by1) - by0),
            slice(max(hx0 - reach, bx0) - bx0, min(hx1 + reach, bx1) - bx0))
    _map_off_holes(map_x[near], map_y[near], holes, (hx0, hy0))
    ys, xs = np.mgrid[cy0:cy1, cx0:cx1].astype(np.float32)
    map_x[sub][held] = xs[held]
    map_y[sub][held] = ys[held]
    return out


def _front(rims: np.ndarray, grow: int, smooth: float) -> np.ndarray:
    """``(h, w) float32`` how far the source shows in front of the warped skin: 1 on the ``rims (h, w) uint8`` mask
    and up to ``grow - 1`` pixels beyond it (the rims' soft edge, :data:`RIM_EDGE`), falling linearly to 0 at
    ``grow + 1``, by the signed distance from the mask's outline smoothed by a Gaussian of ``smooth`` pixels
    (:data:`FRONT_SMOOTH`). (All or nothing over the rims grown by ``grow``, the skin the edit moved met the rims'
    unmoved soft edge in the mask's pixel steps: a stair-stepped, dotted rim edge where surprise raises the lids and
    brows under Grace Hopper's frame. Fading from the mask itself, the STMap, which cannot carry a blend, missed the
    plate by twice as much along the rims: its mean error on her surprised still 0.0045 -> 0.0064, 0.0056 now. By the
    raw distance, the fade kept the thresholded mask's pixel notches, and the eyeball painted behind it under her
    raised lids had a jagged top: its edge up to 0.57 px off its own 7-column average, 0.16-0.20 px now.)"""
    beyond = cv2.distanceTransform((rims == 0).astype(np.uint8), cv2.DIST_L2, 5)
    within = cv2.distanceTransform((rims != 0).astype(np.uint8), cv2.DIST_L2, 5)
    signed = cv2.GaussianBlur(np.where(rims == 0, beyond - 0.5, 0.5 - within), (0, 0), smooth)  # + outside
    return np.clip((grow + 0.5 - signed) / 2.0, 0.0, 1.0).astype(np.float32)


def _shown(front: np.ndarray | None, holes: np.ndarray, map_x: np.ndarray, map_y: np.ndarray,
           at: tuple[int, int]) -> np.ndarray:
    """``(h, w) float32`` over a window at ``at`` (x, y; frame pixels): how far :func:`warp_behind_rims` shows the
    source, its rims' :func:`rim_front` (``front``, the window's part) where the skin behind them moves a pixel or
    more (the backward maps ``map_x, map_y`` over the window), and all of ``holes`` (the grown rims) where it stays
    (the filled skin there is not the source's: an edit that moves nothing changes nothing)."""
    h, w = holes.shape
    xs = np.arange(at[0], at[0] + w, dtype=np.float32)[None, :]
    ys = np.arange(at[1], at[1] + h, dtype=np.float32)[:, None]
    still = holes * (1.0 - np.clip(np.hypot(map_x - xs, map_y - ys), 0.0, 1.0))
    return 1.0 - (1.0 - (front if front is not None else 0.0)) * (1.0 - still)


def rim_front(rims: tuple[tuple[int, int, int, int], np.ndarray] | None, box: tuple[int, int, int, int],
              iod: float) -> np.ndarray | None:
    """``(h, w) float32`` over ``box`` (x0, y0, x1, y1): how far :func:`warp_behind_rims` shows the source's
    ``rims`` (:func:`rim_mask`'s form) in front of the warped skin (:func:`_front`), for a later layer painted over
    the skin (the eyeball a raised lid uncovers) to stay behind them; None without rims or where none reach the box.
    Specks of the mask (narrower than :data:`SPECK`: the lid crease's shadow under Grace Hopper's frame, found
    in pixels along the rim's lower edge) are left to the skin: held unmoved in front of a rising lid, they showed as
    grey dots along the rim's edge over the uncovered eyeball."""
    if rims is None:
        return None
    (wx0, wy0, wx1, wy1), mask = rims
    bx0, by0, bx1, by1 = box
    grow = max(int(round(RIM_EDGE * iod)), 1)
    pad = grow + 1
    x0, y0, x1, y1 = max(wx0 - pad, bx0), max(wy0 - pad, by0), min(wx1 + pad, bx1), min(wy1 + pad, by1)
    if x1 <= x0 or y1 <= y0:
        return None
    window = np.zeros((y1 - y0 + 2 * pad, x1 - x0 + 2 * pad), np.uint8)  # the rims around the overlap, padded
    sx0, sy0, sx1, sy1 = max(wx0, x0 - pad), max(wy0, y0 - pad), min(wx1, x1 + pad), min(wy1, y1 + pad)
    window[sy0 - y0 + pad:sy1 - y0 + pad, sx0 - x0 + pad:sx1 - x0 + pad] = mask[sy0 - wy0:sy1 - wy0,
                                                                                sx0 - wx0:sx1 - wx0]
    window = cv2.morphologyEx(window, cv2.MORPH_OPEN, _disc(SPECK * iod))
    if not window.any():
        return None
    out = np.zeros((by1 - by0, bx1 - bx0), np.float32)
    out[y0 - by0:y1 - by0, x0 - bx0:x1 - bx0] = _front(window, grow, max(FRONT_SMOOTH * iod, 0.5))[pad:-pad, pad:-pad]
    return out


def _map_off_holes(map_x: np.ndarray, map_y: np.ndarray, holes: np.ndarray, at: tuple[int, int]) -> None:
    """Move, in place, each sample of the backward maps that falls in ``holes (h, w) bool`` (placed at ``at`` = (x, y)
    in frame pixels) to the nearest pixel off them: no source pixel shows the skin behind a rim, so the map (the
    plate's STMap) points at the skin beside it, not at the rim."""
    x0, y0 = at
    col = np.rint(map_x).astype(np.int64) - x0
    row = np.rint(map_y).astype(np.int64) - y0
    inside = (col >= 0) & (col < holes.shape[1]) & (row >= 0) & (row < holes.shape[0])
    inside[inside] = holes[row[inside], col[inside]]
    if not inside.any():
        return
    _, labels = cv2.distanceTransformWithLabels(holes.astype(np.uint8), cv2.DIST_L2, 5,
                                                labelType=cv2.DIST_LABEL_PIXEL)
    skin_rows, skin_cols = np.nonzero(~holes)
    where = np.zeros((labels.max() + 1, 2), np.float32)  # label -> (x, y) of that skin pixel
    where[labels[skin_rows, skin_cols]] = np.stack([skin_cols + x0, skin_rows + y0], axis=1)
    nearest = where[labels[row[inside], col[inside]]]
    map_x[inside], map_y[inside] = nearest[:, 0], nearest[:, 1]


def _fill(layer: np.ndarray, at: tuple[int, int], holes: np.ndarray, iod: float) -> None:
    """Fill ``holes (h, w) bool`` (placed at ``at`` = (x, y) in ``layer (H, W, 3)``, inside it) in place with the skin
    around them: a normalised Gaussian average of the pixels off the holes (only those: a coarser scale's average
    must not take in the finer scales' fill unweighed, which overshot a thick rim tip's fill to 5 x the skin, a
    bright speck risen above the rim) that are not as dark as a rim (log luminance at most half a :data:`RIM_STEP`
    below the median off the holes: a frame's hinge, hair or a hat beside a rim's outer end darkened its fill, and
    fear's outer brow raise drew that up above Grace Hopper's left tip as a dark dash), its scale widening by
    :data:`FILL_SCALES` (IOD) until every hole pixel has neighbours, worked at :data:`DETECT_IOD` px per IOD, times
    the fine texture of the skin above the rims (:func:`_skin_detail`; without it the skin risen from behind a rim is
    a blurred band, 0.26 x the skin's fine detail on Grace Hopper, 0.73 x with it). Mirroring the skin beside a rim
    into it whole brought the rim's own soft edge and shadow along: a second, thinner rim above the first."""
    x, y = at
    h, w = layer.shape[:2]
    pad = int(np.ceil(FILL_SCALES[-1] * iod)) + 2
    x0, y0 = max(x - pad, 0), max(y - pad, 0)
    x1, y1 = min(x + holes.shape[1] + pad, w), min(y + holes.shape[0] + pad, h)
    hole = np.zeros((y1 - y0, x1 - x0), bool)
    hole[y - y0:y - y0 + holes.shape[0], x - x0:x - x0 + holes.shape[1]] = holes
    zoom = min(1.0, DETECT_IOD / iod)
    size = (max(1, int(round((x1 - x0) * zoom))), max(1, int(round((y1 - y0) * zoom))))
    window = layer[y0:y1, x0:x1]
    small = cv2.resize(window, size, interpolation=cv2.INTER_AREA) if zoom < 1.0 else window.copy()
    off = (cv2.resize(hole.astype(np.uint8), size, interpolation=cv2.INTER_AREA) if zoom < 1.0 else hole) == 0
    lum = np.log(np.maximum(luma(small), 1e-3))
    skin = off & (lum >= float(np.median(lum[off])) - RIM_STEP / 2) if off.any() else off
    filled = small * off[:, :, None]
    todo = ~off
    for known in (skin, off):  # the skin's pixels; where none are near, any off the holes
        samples = small * known[:, :, None]
        for scale in FILL_SCALES:
            if not todo.any():
                break
            sigma = max(scale * iod * zoom, 0.7)
            weight = cv2.GaussianBlur(known.astype(np.float32), (0, 0), sigma)
            total = cv2.GaussianBlur(samples, (0, 0), sigma)
            ready = todo & (weight > 1e-3)
            filled[ready] = total[ready] / weight[ready, None]
            todo &= ~ready
    if zoom < 1.0:
        filled = cv2.resize(filled, (x1 - x0, y1 - y0), interpolation=cv2.INTER_LINEAR)
    window[hole] = filled[hole] * np.exp(_skin_detail(window, hole, iod)[hole])[:, None]  # the holes alone


def _skin_detail(window: np.ndarray, hole: np.ndarray, iod: float) -> np.ndarray:
    """``(h, w) float32`` log-luminance detail for ``hole (h, w) bool`` in ``window (h, w, 3)``: on each hole pixel, the
    fine texture (log colour less its :data:`DETAIL_SCALE` IOD normalised average over the skin off the holes) of the
    skin straight above its hole run, shifted down by the run's height plus :data:`DETAIL_GAP` IOD: the skin above a
    rim carried behind it (pores, wrinkles, brow hair), its low frequencies left to the smooth fill and taken no nearer
    the rim than the gap (its soft edge and shadow stay out). 0 where that skin is outside the window or a hole."""
    known = (~hole).astype(np.float32)
    log = np.log(np.maximum(luma(window), 1e-3))
    sigma = max(DETAIL_SCALE * iod, 0.7)
    weight = np.maximum(cv2.GaussianBlur(known, (0, 0), sigma), 1e-6)
    detail = np.clip(log - cv2.GaussianBlur(log * known, (0, 0), sigma) / weight, -DETAIL_MAX, DETAIL_MAX)
    gap = max(int(round(DETAIL_GAP * iod)), 1)
    away = cv2.distanceTransform(known.astype(np.uint8), cv2.DIST_L2, 5) > gap  # skin beyond the rims' soft edge
    rows, cols, heights = _hole_runs(hole)
    source = rows - heights - gap
    ok = source >= 0
    ok[ok] = away[source[ok], cols[ok]]
    out = np.zeros(hole.shape, np.float32)
    out[rows[ok], cols[ok]] = detail[source[ok], cols[ok]]
    return out


def _hole_runs(hole: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(rows, cols, heights)`` of the pixels of ``hole (h, w) bool`` (column by column, top to bottom), each with
    the height in rows of the column run of holes it is in: worked out over the hole pixels alone (two loops over
    the rows of the whole window cost ~2.5 ms of a 4K frame's render)."""
    cols, rows = np.nonzero(hole.T)
    if not len(rows):
        return rows, cols, rows
    starts = np.ones(len(rows), bool)  # a run starts at a new column or after a gap
    starts[1:] = (cols[1:] != cols[:-1]) | (rows[1:] != rows[:-1] + 1)
    lengths = np.diff(np.append(np.flatnonzero(starts), len(rows)))
    return rows, cols, np.repeat(lengths, lengths)


HEAD_PX = 100.0  # head-grid pixels per IOD
HEAD_SPAN = ((-1.2, 1.2), (-1.0, 0.7))  # the head grid's extent in template space (x, y; IOD): brows to cheeks
SHOT_VOTE = 0.5  # a pixel is rim where at least this share of the frames with glasses found it; the face has
# glasses where at least this share of the sampled frames found them
RIMS_VERSION = 1  # bump when a shot's rims are found differently: a track's rims are cached (pipeline/mouth_cache)


@dataclass(frozen=True)
class ShotRims:
    """A shot's rims on a head-fixed grid (template space at :data:`HEAD_PX` pixels per IOD, see
    :func:`shot_rims`): the frame moves with the head, so one mask serves every frame of the shot.

    Attributes:
        grid: ``(h, w) bool`` over :data:`HEAD_SPAN`.
    """

    grid: np.ndarray


def _grid_from_image(landmarks: np.ndarray) -> np.ndarray:
    """``(2, 3)`` affine taking frame pixels to head-grid pixels (through the rigid points' template fit)."""
    m = template_from_image(np.asarray(landmarks, np.float64)[:, :2])
    (gx0, _), (gy0, _) = HEAD_SPAN
    return np.vstack([HEAD_PX * m[0], HEAD_PX * m[1]]) - np.array([[0, 0, HEAD_PX * gx0], [0, 0, HEAD_PX * gy0]])


def _grid_size() -> tuple[int, int]:
    (gx0, gx1), (gy0, gy1) = HEAD_SPAN
    return int(round(HEAD_PX * (gx1 - gx0))), int(round(HEAD_PX * (gy1 - gy0)))


def rim_vote(frame: np.ndarray, landmarks: np.ndarray) -> np.ndarray | None:
    """One frame's :func:`rim_mask` carried onto the head grid, ``(h, w) float32`` (for :func:`rims_from_votes`),
    or None where the frame shows no glasses. ``frame (H, W, 3) float32`` scene-linear, ``landmarks (>= 468, 2+)`` in
    its pixels."""
    rims = rim_mask(frame, landmarks)
    if rims is None:
        return None
    (x0, y0, _, _), mask = rims
    to_grid = _grid_from_image(landmarks)
    to_grid[:, 2] += to_grid[:, :2] @ np.array([x0, y0], np.float64)  # from the rims' window
    return cv2.warpAffine(mask.astype(np.float32), to_grid, _grid_size(), flags=cv2.INTER_LINEAR)


def rims_from_votes(votes: list[np.ndarray | None]) -> ShotRims | None:
    """The rims of one face over a shot from its frames' :func:`rim_vote` (None: no glasses in that frame), kept where
    at least :data:`SHOT_VOTE` of the frames that found glasses agree (a threshold's frame-to-frame flicker at a rim's
    edge would otherwise move that edge with the warp from frame to frame); None when fewer than :data:`SHOT_VOTE` of
    the frames show glasses. A caller that reads its frames at different times holds only these small grids."""
    found = [vote for vote in votes if vote is not None]
    if not found or len(found) < SHOT_VOTE * len(votes):
        return None
    total = np.zeros_like(found[0])
    for vote in found:
        total += vote
    return ShotRims(total >= SHOT_VOTE * len(found))


def shot_rims(samples: list[tuple[np.ndarray, np.ndarray]]) -> ShotRims | None:
    """:func:`rims_from_votes` of ``[(frame (H, W, 3) float32 scene-linear, landmarks (>= 468, 2+) in its pixels),
    ...]``: the rims of one face over a shot, from a few of its frames."""
    return rims_from_votes([rim_vote(frame, landmarks) for frame, landmarks in samples])


def rims_in_frame(shot: ShotRims, landmarks: np.ndarray,
                  frame_size: tuple[int, int]) -> tuple[tuple[int, int, int, int], np.ndarray] | None:
    """The shot's rims placed on one frame (as :func:`rim_mask` returns them), by the frame's head pose.

    Args:
        shot: :func:`shot_rims`'s result.
        landmarks: ``(>= 468, 2+)`` the face's landmarks in this frame's pixels.
        frame_size: ``(H, W)`` of the frame.
    """
    rows, cols = np.nonzero(shot.grid)
    if len(rows) == 0:
        return None
    to_grid = np.vstack([_grid_from_image(landmarks), [0.0, 0.0, 1.0]])
    to_image = np.linalg.inv(to_grid)[:2]
    corners = np.array([[cols.min(), rows.min()], [cols.max() + 1, rows.min()], [cols.min(), rows.max() + 1],
                        [cols.max() + 1, rows.max() + 1]], np.float64)
    placed = corners @ to_image[:, :2].T + to_image[:, 2]
    height, width = frame_size
    x0, y0 = (max(int(np.floor(v)) - 1, 0) for v in placed.min(axis=0))
    x1, y1 = int(min(np.ceil(placed[:, 0].max()) + 2, width)), int(min(np.ceil(placed[:, 1].max()) + 2, height))
    if x1 <= x0 or y1 <= y0:
        return None
    window_to_grid = to_grid[:2].copy()
    window_to_grid[:, 2] += window_to_grid[:, :2] @ np.array([x0, y0], np.float64)
    mask = cv2.warpAffine(shot.grid.astype(np.float32), window_to_grid, (x1 - x0, y1 - y0),
                          flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP, borderValue=0)
    return (x0, y0, x1, y1), mask >= 0.5  # cut along the grid's smooth outline, not in its pixel steps
