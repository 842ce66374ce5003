"""Seal lips the target closes over an interior the source shows (teeth of a smile made sad or angry).

The warp squeezes the source's open mouth into the target's thin inner-lip outline, which leaves a
bright line of teeth between lips that should meet. Where the target mouth is (nearly) closed and the
source's is open, the target inner-lip outline (grown a little over the teeth edge the warp carries
along) is painted over with the surrounding lip colour (a smooth average of the warped lips above and
below) and a soft shadow line where the lips meet, as closed lips look. Only the opening the shot holds
throughout is sealed (the teeth of a held smile), not a mouth open for speech.

Toward the upper lip the painted region reaches ``UPPER_GROW_PX`` further: the warp carries the dark gaps
between a smile's upper teeth and the upper lip along the upper lip's inner edge, where they stayed as a row of
dark flecks 1-2 px beyond the painted edge (a toothy shadow along the closed mouth line; the astronaut still
made sad or neutral: 1.1-1.8 px at 44 px IOD, and 0.6-1.9 px at 130 px IOD on the still enlarged 3x, so a
spread of the resampling, not a distance on the face).

Inside the target's lips the painted colour is the lips' own (:func:`lip_colour`): the smooth average of the lip
pixels around, each lip's from its own side of the meeting line, not of the lips and the skin beyond them. The
average of everything around painted a grin's thin upper lip, most of which lies within the painted band, skin
coloured (the speaking astronaut made sad, sealed frames: the upper lip's median redness 0.70 of the source's, now
0.90).

A target that opens the lips only in the centre (an upper lip raised there, AU10 of disgust) is sealed column by
column (:func:`side_weights`): the sides, where its inner lips meet again, are painted closed, the centre's window
of teeth is kept.
"""

from __future__ import annotations

import cv2
import numpy as np

from ned_core.analysis.regions import LIPS_INNER, LIPS_OUTER, interocular_distance
from ned_core.face3d.lips import INNER_PAIRS
from ned_core.render.config import RenderConfig
from ned_core.render.lip_repair import lip_contours, meeting_line
from ned_core.render.luma import luma

GROW_IOD = 0.015  # the painted region reaches this far beyond the target inner-lip outline
UPPER_GROW_PX = 2  # ... and this many pixels further above it, over the teeth edge the warp spreads
LINE_IOD = 0.012  # width of the shadow line where the lips meet
LINE_SHADE = 0.6  # brightness of that line's centre relative to the lips (linear light)
INPAINT_RADIUS_IOD = 0.03  # reach of the fill's smooth average of the surrounding lips
LIP_REACH_IOD = (0.08, 0.2)  # reach (x, y) of the lips' own colour average (:func:`lip_colour`): down a column,
# the whole lip
DETAIL_RANGE = (0.85, 1.15)  # the mirrored lip's fine detail, luma over its smooth colour, clipped to this
MIRROR_REACH = 0.7  # share of the other lip, from its outer outline toward the meeting line, that the detail comes from
LIP_EDGE_PX = 0.7  # softness of the painted lips' outer edge (the outline's resampling, not a distance on the face)
MIN_SUPPORT = 0.05  # a lip side with less weight of known lip pixels around takes the other side's colour
SIDE_CLOSED, SIDE_OPEN = 0.05, 0.075  # IOD target inner-lip gap at which a column of the mouth is sealed fully / not
SEAL_FADE = 0.5  # share of ``config.seal_open`` above it over which the whole-mouth seal fades out
SIDE_SHRUNK = (0.02, 0.05)  # IOD the column's gap must shrink by from the source's: not sealed / fully


def _smooth(t: float) -> float:
    t = min(max(t, 0.0), 1.0)
    return t * t * (3.0 - 2.0 * t)


def seal_weight(src_opening: float, dst_opening: float, config: RenderConfig,
                held_opening: float | None = None) -> float:
    """How much to seal (0..1): the target's inner-lip area (IOD^2) is below ``config.seal_open`` (fading out
    up to ``1 + SEAL_FADE`` times that) and smaller than the source's by at least ``config.fill_full`` (fading in from
    ``config.fill_start``), times the share of the source's opening (above closed lips, half of
    ``config.seal_open``) that the shot holds throughout (``held_opening``: a low percentile of the shot's
    openings; None = a still, all of it): teeth a smile shows throughout are sealed, a mouth open for a
    syllable is left to the warp (painting it shut would cut the words' time course).

    The fade ends at 1.5 times ``seal_open`` (and a column's at :data:`SIDE_OPEN`, :func:`side_weights`) since a
    smile's held opening closes in speech too (``face3d/lips.py``): the speaking astronaut made sad or angry then
    parts her lips 0.025-0.05 IOD between syllables and 0.05-0.1 on them. Faded out at twice ``seal_open`` (columns
    at 0.055 / 0.08 IOD), the syllables' small openings were painted half shut, a ghost of teeth the face mesh
    re-read as closed in some frames and open in others: mouth-opening PCC sad 0.899, angry 0.902; now 0.916, 0.937
    (fer p(happy) 0.32 -> 0.32, 0.36 -> 0.35; disgust, whose sides these columns seal, 0.92 -> 0.90: at 0.045 /
    0.07 IOD angry rose to 0.95 but disgust fell to 0.89).
    """
    shrunk = _smooth((src_opening - dst_opening - config.fill_start) / (config.fill_full - config.fill_start))
    closed = 1.0 - _smooth((dst_opening - config.seal_open) / max(SEAL_FADE * config.seal_open, 1e-9))
    return shrunk * closed * held_share(src_opening, config, held_opening)


def held_share(src_opening: float, config: RenderConfig, held_opening: float | None = None) -> float:
    """The share (0..1) of the source's inner-lip opening (IOD^2, above closed lips: half of ``config.seal_open``)
    that the shot holds throughout (``held_opening``, see :func:`seal_weight`; None = a still: all of it)."""
    if held_opening is None:
        return 1.0
    rest = 0.5 * config.seal_open
    return float(np.clip((held_opening - rest) / max(src_opening - rest, 1e-9), 0.0, 1.0))


def side_weights(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """``(11,)`` how far to seal each column of the mouth (corner, the nine inner-lip pairs, corner; the points of
    :func:`meeting_line`): 1 where the target's inner lips (nearly) meet, ``SIDE_CLOSED`` IOD apart or less
    (fading out up to ``SIDE_OPEN``), and the source's were ``SIDE_SHRUNK`` further apart. An upper lip raised
    in the centre (AU10 of disgust) parts the lips there only: on a smile with teeth, the sides, where the lips
    meet again, are sealed and the teeth stay in the centre's window, not out to the smile's dark corners (the
    astronaut still made disgusted: fer p(happy) 0.96 -> 0.93, fear 0.77 -> 0.63). In a shot, scale by
    :func:`held_share` as the whole-mouth seal is (a mouth open for a syllable is left to the warp)."""
    iod = float(interocular_distance(dst))
    gap_src = (src[INNER_PAIRS[:, 1], 1] - src[INNER_PAIRS[:, 0], 1]) / iod
    gap_dst = (dst[INNER_PAIRS[:, 1], 1] - dst[INNER_PAIRS[:, 0], 1]) / iod
    closed = 1.0 - np.clip((gap_dst - SIDE_CLOSED) / (SIDE_OPEN - SIDE_CLOSED), 0.0, 1.0)
    shrunk = np.clip((gap_src - gap_dst - SIDE_SHRUNK[0]) / (SIDE_SHRUNK[1] - SIDE_SHRUNK[0]), 0.0, 1.0)
    pairs = np.array([_smooth(c) * _smooth(r) for c, r in zip(closed, shrunk)])
    return np.concatenate([pairs[:1], pairs, pairs[-1:]])


def _upward_wedge(reach: int) -> np.ndarray:
    """``(reach + 1, 2 reach + 1) uint8`` dilation kernel (anchor: middle of its first row) that grows a region
    up to ``reach`` pixels upward and, at a height k, k pixels to either side (a 45-degree wedge): over the upper
    lip and, at the corners, along the lip's rise, never sideways past the corners at their own height."""
    k = np.arange(reach + 1)[:, None]
    return (np.abs(np.arange(-reach, reach + 1))[None] <= k).astype(np.uint8)


def lip_colour(sub: np.ndarray, known: np.ndarray, lips: np.ndarray, upper: np.ndarray, average: np.ndarray,
               iod: float) -> np.ndarray:
    """``(h, w, 3) float32`` the lips' own colour at each pixel: the smooth average (:data:`LIP_REACH_IOD`) of the
    known lip pixels on the pixel's side of the meeting line; where that side has none near (a grin's thin upper lip
    lies wholly inside the painted band), the other side's; where neither has (the corners), ``average``.

    Args:
        sub: ``(h, w, 3) float32`` the warped face.
        known: ``(h, w) float32`` 1 outside the painted region.
        lips: ``(h, w) float32`` 0..1 inside the target's outer lip outline.
        upper: ``(h, w) bool`` above the line where the lips meet.
        average: ``(h, w, 3) float32`` the smooth average of all the known pixels around.
        iod: the interocular distance, pixels.
    """
    sx, sy = (max(1.0, r * iod) for r in LIP_REACH_IOD)
    sides = []
    for side in (upper, ~upper):
        weight = known * (lips >= 1.0) * side  # whole lip pixels: the outline's are part skin
        support = cv2.GaussianBlur(weight, (0, 0), sx, sigmaY=sy)
        local = cv2.GaussianBlur(sub * weight[:, :, None], (0, 0), sx, sigmaY=sy) / np.maximum(support, 1e-6)[
            :, :, None]
        sides.append((local, np.clip(support / MIN_SUPPORT, 0.0, 1.0)[:, :, None]))
    colour = np.empty_like(sub)
    for (own, own_near), (other, other_near), side in ((sides[0], sides[1], upper), (sides[1], sides[0], ~upper)):
        fallback = average + other_near * (other - average)
        colour[side] = (fallback + own_near * (own - fallback))[side]
    return colour


def mirrored_detail(sub: np.ndarray, colour: np.ndarray, lip: np.ndarray, line_y: np.ndarray,
                    outer: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """``(h, w) float32`` the fine detail (luma over the lips' smooth colour's, clipped to :data:`DETAIL_RANGE`) of the
    other lip where that is a known lip pixel (``lip (h, w)`` 0..1), else 1: the painted lips keep the creases of a
    lip rather than a flat colour. A pixel at a share of the way from its lip's outer outline to the meeting line
    (``line_y (w,)``) takes the other lip's at that share of :data:`MIRROR_REACH` of its way (the rest of it lies in
    the painted band too).

    Args:
        outer: ``(upper (w,), lower (w,))`` the outer lip outlines' rows, the coordinates of ``line_y``.
    """
    h, w = lip.shape
    ys = np.arange(h, dtype=np.float64)[:, None] + 0.5
    up, low, line = outer[0][None, :], outer[1][None, :], line_y[None, :]
    share_up = np.clip((ys - up) / np.maximum(line - up, 0.5), 0.0, 1.0)
    share_low = np.clip((low - ys) / np.maximum(low - line, 0.5), 0.0, 1.0)
    mirror_y = np.where(ys < line, low + MIRROR_REACH * share_up * (line - low),
                        up + MIRROR_REACH * share_low * (line - up)) - 0.5
    mirror_x = np.broadcast_to(np.arange(w, dtype=np.float32)[None, :], (h, w))
    maps = np.ascontiguousarray(mirror_x), mirror_y.astype(np.float32)
    ratio = np.clip(luma(sub) / np.maximum(luma(colour), 1e-6), *DETAIL_RANGE).astype(np.float32)
    taken = cv2.remap(ratio, *maps, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    there = cv2.remap(lip.astype(np.float32), *maps, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                      borderValue=0.0)
    return 1.0 + there * (taken - 1.0)


def seal_lips(rgb: np.ndarray, box: tuple[int, int, int, int], dst: np.ndarray, weight: float,
              sides: np.ndarray | None = None) -> np.ndarray:
    """Paint the target mouth closed over ``box``'s warped face.

    Args:
        rgb: ``(h, w, 3) float32`` warped face over ``box`` (scene-linear).
        box: ``(x0, y0, x1, y1)`` frame pixels.
        dst: ``(>= 468, 2) float64`` target landmarks, frame pixels.
        weight: 0..1 (see :func:`seal_weight`).
        sides: ``(11,)`` 0..1 per point of :func:`meeting_line` (see :func:`side_weights`), interpolated along x:
            each column is sealed by the larger of its weight and ``weight``; None: 0.

    Returns:
        A new ``(h, w, 3) float32`` array (``rgb`` itself when ``weight`` and ``sides`` are 0 or the mouth lies
        outside).
    """
    line_pts = meeting_line(dst)
    side = np.zeros(len(line_pts)) if sides is None else np.asarray(sides, np.float64)
    if weight <= 0.0 and not (side > 0.0).any():
        return rgb
    iod = float(interocular_distance(dst))
    grow = max(1, round(GROW_IOD * iod))
    up = grow + UPPER_GROW_PX
    pad = up + max(3, round(INPAINT_RADIUS_IOD * iod)) + 2
    inner = dst[list(LIPS_INNER)]
    bx0, by0, bx1, by1 = box
    x0 = max(int(np.floor(inner[:, 0].min())) - pad, bx0)
    y0 = max(int(np.floor(inner[:, 1].min())) - pad, by0)
    x1 = min(int(np.ceil(inner[:, 0].max())) + pad + 1, bx1)
    y1 = min(int(np.ceil(inner[:, 1].max())) + pad + 1, by1)
    if x1 <= x0 or y1 <= y0:
        return rgb
    sub = rgb[y0 - by0 : y1 - by0, x0 - bx0 : x1 - bx0]
    hole = np.zeros(sub.shape[:2], np.uint8)
    cv2.fillPoly(hole, [np.round((inner - (x0, y0)) * 16).astype(np.int32)], 255, cv2.LINE_8, 4)
    line = np.round((meeting_line(dst) - (x0, y0)) * 16).astype(np.int32)
    cv2.polylines(hole, [line], False, 255, 1, cv2.LINE_8, 4)
    hole = cv2.dilate(hole, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * grow + 1, 2 * grow + 1)))
    hole = cv2.dilate(hole, _upward_wedge(up - grow), anchor=(up - grow, 0))
    known = (hole == 0).astype(np.float32)
    sigma = max(1.5, INPAINT_RADIUS_IOD * iod)
    spread = cv2.GaussianBlur(known, (0, 0), sigma)
    average = cv2.GaussianBlur(sub * known[:, :, None], (0, 0), sigma) / np.maximum(spread, 1e-6)[:, :, None]
    lips = np.zeros(sub.shape[:2], np.float32)
    cv2.fillPoly(lips, [np.round((dst[list(LIPS_OUTER)] - (x0, y0)) * 16).astype(np.int32)], 1.0, cv2.LINE_AA, 4)
    order = np.argsort(line_pts[:, 0])
    line_y = np.interp(np.arange(x0, x1) + 0.5, line_pts[order, 0], line_pts[order, 1]) - y0
    upper = (np.arange(y1 - y0)[:, None] + 0.5) < line_y[None, :]
    colour = lip_colour(sub, known, lips, upper, average, iod)
    outer = lip_contours(dst, np.arange(x0, x1) + 0.5)[[0, 3]] - y0
    colour = colour * mirrored_detail(sub, colour, known * lips, line_y, (outer[0], outer[1]))[:, :, None]
    # inside the lips their own colour, beyond them (the upper wedge's reach) the skin's
    average = average + cv2.GaussianBlur(lips, (0, 0), LIP_EDGE_PX)[:, :, None] * (colour - average)
    filled = np.where(known[:, :, None] > 0, sub, average)  # the lips above and below, smoothly across the hole
    shadow = np.zeros(sub.shape[:2], np.float32)
    cv2.polylines(shadow, [line], False, 1.0, max(1, round(LINE_IOD * iod)), cv2.LINE_AA, 4)
    shadow = cv2.GaussianBlur(shadow, (0, 0), max(0.8, LINE_IOD * iod))
    shadow = shadow / max(float(shadow.max()), 1e-6)
    painted = filled * (1.0 - (1.0 - LINE_SHADE) * shadow)[:, :, None]
    alpha = cv2.GaussianBlur((hole > 0).astype(np.float32), (0, 0), max(0.7, 0.35 * grow))
    columns = np.interp(np.arange(x0, x1) + 0.5, line_pts[order, 0], side[order])  # the corners' weights beyond
    alpha = np.maximum(alpha, shadow) * np.maximum(weight, columns)[None, :]
    out = rgb.copy()
    out[y0 - by0 : y1 - by0, x0 - bx0 : x1 - bx0] = sub + alpha[:, :, None] * (painted - sub)
    return out
