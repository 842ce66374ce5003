"""A mouth opened wider than any frame shows it: the teeth move with their lips, a dark cavity opens between.

When the shot has no wider-open mouth to retrieve (a still of a smile with teeth made surprised), warping
the visible interior into the wider opening stretches the teeth vertically. Anatomically the upper teeth
stay with the upper jaw (the upper lip) and the lower teeth drop with the mandible (the lower lip). So each
target pixel of the opening looks for the source interior where the upper lip's displacement (at its
column) or the lower lip's would bring it from: the upper part of the source opening moved with the upper
lip, the lower part with the lower lip, and where neither reaches, the shadowed cavity.

A lip stretch (AU20, the mouth of fear) draws the lips sideways, flat and tense against the teeth (Ekman &
Friesen, *Unmasking the Face* 1975): a lowered upper lip then slides down over the upper teeth, which stay with
the skull, instead of carrying them down. As the target mouth grows wider than the source's
(``STRETCH_WIDTH_IOD``), the upper teeth stop following the upper lip down (they still follow it up). Measured
on the astronaut still (fer, p(happy) / p(fear)): fear 0.62 / 0.04 -> 0.33 / 0.05, the smile's upper-teeth
band kept only under the middle of the lip with dark corners; taken for every target, her surprise (which
narrows the mouth) lost its teeth at the sides and read happier (p(surprised) 0.66 -> 0.35).

Under a stretched lip the source splits where its upper teeth end (:func:`teeth_end`, at least :data:`SPLIT_AT` of
the way down), so that the teeth the lip slides over show whole. ``upper_to`` / ``lower_from`` set (or drop) each
lip's part: over a stored mouth's cavity (``mouth_fill``) the lower lip carries only its own edge, the interior's
lowest fifth.

A mouth that opens only a little further than the source (``opened`` below 1, the fill's fade-in) is split part of
the way: each target pixel samples the source at that share of the way from where the warp's stretch between the
lips takes it to where its lip's part takes it, and the lower part starts that share of the way from ``upper_to`` to
``lower_from``. At 0 the two parts are the warp's stretched interior (no cavity between them), at 1 the full split:
the cavity opens between the teeth as the lips part, where the fill's fade-in had cross-faded the split over the
stretched interior, a grey double row of teeth whose weight jumped with the words (speaking astronaut made afraid:
weights 0.3-1.0 on consecutive frames, the mouth's change beyond the source's at 7 of 23 frame pairs).
"""

from __future__ import annotations

import cv2
import numpy as np

from ned_core.analysis.regions import LIPS_INNER, interocular_distance
from ned_core.face3d.falloff import smoothstep
from ned_core.face3d.lips import INNER_PAIRS
from ned_core.render.luma import luma
from ned_core.render.warp import remap

CORNER_IDS = (LIPS_INNER[0], LIPS_INNER[10])
SPLIT_AT = 0.65  # where, from the upper to the lower inner lip, the source interior splits: a smile bares more
# of the upper teeth than of the lower ones, so the split runs nearer the lower lip
SEAM_PX = 1.5  # how far (source pixels) the lower part reaches under the upper one where the split is not made
STRETCH_WIDTH_IOD = (0.02, 0.08)  # target mouth wider than the source's: upper teeth start to / fully stay put
TEETH_SEARCH = (0.1, 0.9)  # shares of the source opening searched for its brightest (the upper teeth)
TEETH_CONTRAST = 0.25  # the luminance below the brightest falls by this share of it: teeth above a cavity or a seam
TEETH_SPREAD = 0.1  # each pair's teeth end within this share of the median pair's
TEETH_EDGE = 0.5  # the upper teeth end where the luminance has fallen this share of the way to the darkest below


def _order(pts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(xs (11,), order (11,))``: corner, the 9 pairs' mid x, corner, and the order that sorts them by x."""
    xs = np.concatenate([[pts[CORNER_IDS[0], 0]], 0.5 * (pts[INNER_PAIRS[:, 0], 0] + pts[INNER_PAIRS[:, 1], 0]),
                         [pts[CORNER_IDS[1], 0]]])
    return xs, np.argsort(xs)


def _columns(pts: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(xs (11,), values (11, 2))``: corner, the 9 pairs' mid x, corner; sorted by x, with ``rows``' points."""
    xs, order = _order(pts)
    values = np.vstack([pts[CORNER_IDS[0]], pts[rows], pts[CORNER_IDS[1]]])
    return xs[order], values[order]


def _share_columns(pts: np.ndarray, share: float | np.ndarray) -> np.ndarray:
    """``(11,)`` a share per :func:`_columns` column: ``share`` itself, or ``(9,)`` per pair, each corner taking its
    neighbouring pair's."""
    per_pair = np.broadcast_to(np.asarray(share, np.float64), (len(INNER_PAIRS),))
    return np.concatenate([per_pair[:1], per_pair, per_pair[-1:]])[_order(pts)[1]]


def teeth_end(frame: np.ndarray, src: np.ndarray, anchored: float = 1.0) -> np.ndarray:
    """``(9,)`` shares (0..1, from the upper inner lip down to the lower, for each of ``INNER_PAIRS``) where the
    source's upper teeth end: below the brightest of its opening (between :data:`TEETH_SEARCH`), the first point whose
    luminance falls :data:`TEETH_EDGE` of the way down to the darkest below it (where the teeth meet the lower ones, or
    the cavity begins), within :data:`TEETH_SPREAD` of the median pair's (teeth end along a smooth line; the pairs told
    apart flipped the teeth's height from frame to frame); a pair that shows no teeth (the drop under
    :data:`TEETH_CONTRAST` of the brightest) counts as :data:`SPLIT_AT` in the median and takes the median (most pairs
    must show where the teeth end: over those that did, the speaking astronaut's teeth flip pairs 3 -> 6); never less
    than :data:`SPLIT_AT` (teeth ending higher, an open syllable's, keep the own cavity below them with the upper lip:
    cut there, the close-up astronaut made afraid lost mouth PCC 0.90 -> 0.89). Luminance is the brightest over a
    tooth's width (0.1 IOD) sideways, so that the gaps between teeth do not count as their end. The fixed
    :data:`SPLIT_AT` cut a grin's upper teeth (brightest at 0.6-0.9 of the tracked opening) through their middle, and
    the cut edge, blurred into the cavity, showed a thin grey band of teeth (speaking astronaut made afraid or
    surprised).

    That far only where the upper lip slides over teeth that stay (``anchored``, :func:`anchored_share`: a mouth
    stretched wider, fear's), else toward :data:`SPLIT_AT`: a lip that carries the teeth up with it over a dropped jaw
    (surprise) showed them whole as a laugh's (fer, speaking astronaut made surprised: recognised 62 -> 54 %, held out
    25 -> 12 %, p(happy) up 0.04-0.06).

    Args:
        frame: ``(H, W, 3) float32`` the source frame.
        src: ``(>= 468, 2) float64`` its landmarks, frame pixels.
        anchored: 0..1, :func:`anchored_share` of the source and the target.
    """
    up, low = src[INNER_PAIRS[:, 0]], src[INNER_PAIRS[:, 1]]
    pts = np.vstack([up, low])
    x0, y0 = np.floor(pts.min(axis=0)).astype(int) - 2
    x1, y1 = np.ceil(pts.max(axis=0)).astype(int) + 3
    h, w = frame.shape[:2]
    x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, w), min(y1, h)
    if x1 - x0 < 2 or y1 - y0 < 2 or anchored <= 0.0:
        return np.full(len(INNER_PAIRS), SPLIT_AT)
    lum = np.ascontiguousarray(luma(frame[y0:y1, x0:x1]))
    half = max(1, round(0.05 * float(interocular_distance(src))))
    lum = cv2.dilate(lum, np.ones((1, 2 * half + 1), np.uint8))
    shares = np.linspace(0.0, 1.0, 41)
    along = up[None] + shares[:, None, None] * (low - up)[None] - (x0, y0)
    profile = remap(lum, along[..., 0].astype(np.float32), along[..., 1].astype(np.float32))  # (41, 9)
    ends = np.full(len(INNER_PAIRS), np.nan)
    lo, hi = (np.searchsorted(shares, v) for v in TEETH_SEARCH)
    for k in range(len(INNER_PAIRS)):
        col = profile[:, k]
        peak = lo + int(np.argmax(col[lo:hi]))
        if peak + 1 >= len(shares):
            continue
        dark = float(col[peak + 1 :].min())
        if col[peak] - dark < TEETH_CONTRAST * col[peak]:
            continue
        below = np.flatnonzero(col[peak + 1 :] < dark + (1.0 - TEETH_EDGE) * (col[peak] - dark))
        ends[k] = shares[peak + 1 + int(below[0])]
    middle = float(np.median(np.where(np.isnan(ends), SPLIT_AT, ends)))
    ends = np.maximum(np.clip(np.where(np.isnan(ends), middle, ends), middle - TEETH_SPREAD, middle + TEETH_SPREAD),
                      SPLIT_AT)
    return SPLIT_AT + anchored * (ends - SPLIT_AT)


def _along(xs: np.ndarray, values: np.ndarray, at: np.ndarray) -> np.ndarray:
    """``values (11, 2)`` linearly interpolated at x positions ``at (...)``; ``(..., 2)``."""
    return np.stack([np.interp(at, xs, values[:, k]) for k in range(2)], axis=-1)


def anchored_share(src: np.ndarray, dst: np.ndarray) -> float:
    """0..1: how far the upper teeth stay put where the upper lip comes down, smooth in how much wider (corner to
    corner, inner lips, IOD) the target mouth is than the source's, over ``STRETCH_WIDTH_IOD``.

    Args:
        src, dst: ``(>= 468, 2)`` landmarks, frame pixels.
    """
    widths = [float(np.linalg.norm(p[CORNER_IDS[1]] - p[CORNER_IDS[0]])) for p in (src, dst)]
    return float(smoothstep(*STRETCH_WIDTH_IOD, (widths[1] - widths[0]) / float(interocular_distance(src))))


def split_interior(window: tuple[int, int, int, int], frame: np.ndarray, src: np.ndarray, dst: np.ndarray,
                   cavity: np.ndarray, upper_to: float | np.ndarray | None = SPLIT_AT,
                   lower_from: float | np.ndarray | None = SPLIT_AT, opened: float = 1.0) -> np.ndarray:
    """The target opening over ``window`` filled with the source interior split between the two lips.

    Args:
        window: ``(x0, y0, x1, y1)`` frame pixels.
        frame: ``(H, W, 3) float32`` source frame.
        src, dst: ``(>= 468, 2) float64`` landmarks, frame pixels.
        cavity: ``(h, w, 3) float32`` the dark interior over ``window`` where neither lip's teeth reach.
        upper_to: the share (0..1) of the source opening, from its upper lip down, that moves with the upper lip,
            or ``(9,)`` one per ``INNER_PAIRS`` pair (:func:`teeth_end`); None: none (the cavity shows there).
        lower_from: from what share of the source opening down the rest moves with the lower lip (as ``upper_to``;
            never above it); None: none.
        opened: 0..1, how far the split is made (module docstring): 0 = the warp's stretch between the lips.

    Returns:
        ``(h, w, 3) float32``.
    """
    x0, y0, x1, y1 = window
    xs, ys = np.meshgrid(np.arange(x0, x1, dtype=np.float64), np.arange(y0, y1, dtype=np.float64))
    sx, s_up = _columns(src, INNER_PAIRS[:, 0])
    _, s_low = _columns(src, INNER_PAIRS[:, 1])
    dx, d_up = _columns(dst, INNER_PAIRS[:, 0])
    _, d_low = _columns(dst, INNER_PAIRS[:, 1])
    # where the source opening lies: the source inner-lip outline grown a pixel (its lip edge rather than a
    # dark seam where the target lip meets the moved teeth)
    outline = src[list(LIPS_INNER)]
    ox, oy = np.floor(outline.min(axis=0)).astype(int) - 2
    ow, oh = np.ceil(outline.max(axis=0)).astype(int) + 4 - (ox, oy)
    opening = np.zeros((oh, ow), np.uint8)
    cv2.fillPoly(opening, [np.round((outline - (ox, oy)) * 16).astype(np.int32)], 1, cv2.LINE_8, 4)
    opening = cv2.dilate(opening, np.ones((3, 3), np.uint8)).astype(np.float32)
    anchored = anchored_share(src, dst)
    if upper_to is not None:
        upper_to = _share_columns(src, upper_to)
    if lower_from is not None:
        lower_from = _share_columns(src, lower_from)
    if upper_to is not None and lower_from is not None:
        lower_from = upper_to + opened * (np.maximum(lower_from, upper_to) - upper_to)
    # the warp's stretch: the lips' displacements interpolated by the share of the way down the target opening
    top, bottom = _along(dx, d_up, xs)[..., 1], _along(dx, d_low, xs)[..., 1]
    down = np.clip((ys - top) / np.maximum(bottom - top, 1e-6), 0.0, 1.0)[..., None]
    stretch = (1.0 - down) * _along(dx, d_up - s_up, xs) + down * _along(dx, d_low - s_low, xs)
    out = cavity.copy()
    for d_lip, s_lip, upper, at in ((d_low, s_low, False, lower_from), (d_up, s_up, True, upper_to)):
        if at is None:
            continue
        middle_x = (1.0 - at) * s_up[:, 0] + at * s_low[:, 0]
        middle_y = (1.0 - at) * s_up[:, 1] + at * s_low[:, 1]
        shift = _along(dx, d_lip - s_lip, xs)  # the lip's displacement at each target column
        if upper:  # a stretched upper lip slides down over its teeth
            shift[..., 1] -= anchored * np.maximum(shift[..., 1], 0.0)
        shift = opened * shift + (1.0 - opened) * stretch
        qx = (xs - shift[..., 0]).astype(np.float32)
        qy = (ys - shift[..., 1]).astype(np.float32)
        # padded: outside the window counts as outside the opening
        inside = remap(np.pad(opening, 1), qx - np.float32(ox - 1), qy - np.float32(oy - 1), "nearest") > 0
        mid = np.interp(qx, np.sort(middle_x), middle_y[np.argsort(middle_x)])
        # the lower part reaches under the upper one's soft edge as far as their sampling meets (no seam of cavity)
        half = (qy <= mid) if upper else (qy > mid - SEAM_PX * (1.0 - opened))
        take = cv2.GaussianBlur((inside & half).astype(np.float32), (0, 0), 0.7)[:, :, None]
        out = out + take * (remap(frame, qx, qy) - out)
    return out.astype(np.float32)
