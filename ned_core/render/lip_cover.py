"""A narrower opening than the source's: the lips slide over the interior, whose teeth keep their size.

Where the target parts the lips less than the source (a smile's held opening closed under speech: the speaking
astronaut made sad, neutral or angry), the piecewise-affine warp maps the source opening into the target's, so it
squeezes the interior vertically: the whole tooth row between the lips came out a thin jagged strip (the speaking
astronaut's most open frame with the lower lip raised by half the gap: upper teeth at 0.59 of their height; 1.07
with the window). In a real mouth that opens less the lips cover part of the teeth, which stay with the jaws: the
opening is a window onto the interior at its own size. So, column by column, each target pixel inside the
inner-lip outline takes the source pixel at the same height (slope 1, the teeth stay put), the window slid no
further than it must to lie inside the source's opening at that column; horizontally it follows the lips' columns
(as the warp does). Where the target is as open as the source the window is the whole opening and this equals the
warp; it fades in as the column narrows (:data:`NARROWED`) and only where the source's lips part
(:data:`PARTED_IOD`). The plate's STMap samples the source where the window did.

The frame's own interior, not a stored mouth of the target's shape (``mouth_index.py``): on the speaking astronaut
the stored mouth nearest a narrowed opening is a held-smile frame, whose tooth block then filled every syllable (the
mouth region's change 0.52 of the source's, against 0.80 here and 0.74 for the warp; p(happy) 0.51 -> 0.72 on sad).
"""

from __future__ import annotations

import numpy as np

from ned_core.analysis.mask import polygon_mask
from ned_core.analysis.regions import LIPS_INNER, interocular_distance
from ned_core.face3d.falloff import smoothstep
from ned_core.face3d.lips import INNER_PAIRS
from ned_core.render.mouth_fill import inner_lip_window
from ned_core.render.warp import remap

PARTED_IOD = 0.03  # a source column whose lips part less than this shows no interior to keep
NARROWED = (0.0, 0.15)  # share the target narrows a column's gap by: the window starts to / fully replaces the warp
FEATHER_IOD = 0.01  # soft edge of the window, inside the target's inner-lip outline


def _column_lines(points: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(x (9,), upper y (9,), lower y (9,))`` of the nine inner-lip pairs of ``(>= 468, 2)`` landmarks, sorted by
    the pairs' mid x."""
    upper, lower = points[INNER_PAIRS[:, 0]], points[INNER_PAIRS[:, 1]]
    xs = 0.5 * (upper[:, 0] + lower[:, 0])
    order = np.argsort(xs)
    return xs[order], upper[order, 1], lower[order, 1]


def cover_weights(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """``(9,)`` how far (0..1) each inner-lip pair's column (sorted by x) is drawn as a window onto the source's
    interior: smooth in the share the target narrows the column's gap by (:data:`NARROWED`), 0 where the source's
    lips part less than :data:`PARTED_IOD`.

    Args:
        src, dst: ``(>= 468, 2)`` landmarks, frame pixels.
    """
    _, s_up, s_low = _column_lines(src)
    _, d_up, d_low = _column_lines(dst)
    s_gap, d_gap = s_low - s_up, np.maximum(d_low - d_up, 0.0)
    iod = float(interocular_distance(src))
    narrowed = 1.0 - d_gap / np.maximum(s_gap, 1e-9)
    return smoothstep(*NARROWED, narrowed) * (s_gap >= PARTED_IOD * iod)


def cover_lips(rgb: np.ndarray, box: tuple[int, int, int, int], frame: np.ndarray, src: np.ndarray,
               dst: np.ndarray, maps: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray],
                                                                       float]:
    """The warped face ``rgb`` with the target opening redrawn as a window onto the source interior where the
    target narrows it (see the module docstring).

    Args:
        rgb: ``(h, w, 3) float32`` warped face over ``box``.
        box: ``(x0, y0, x1, y1)`` frame pixels.
        frame: ``(H, W, 3) float32`` source frame.
        src, dst: ``(>= 468, 2) float64`` landmarks, frame pixels.
        maps: ``(map_x, map_y)`` ``(h, w) float32`` the source positions the warp sampled ``rgb`` at.

    Returns:
        ``(rgb, maps, weight)``: new arrays where redrawn (else the ones given), the sampled positions where the
        window outweighs the warp taken from it (the plate's STMap, ``RenderedFace.sample_map``), and the largest
        column weight (0..1).
    """
    weights = cover_weights(src, dst)
    strongest = float(weights.max(initial=0.0))
    if strongest <= 0.0:
        return rgb, maps, 0.0
    bx0, by0 = box[:2]
    target = dst[list(LIPS_INNER)]
    window = inner_lip_window(dst, box)
    if window is None:
        return rgb, maps, 0.0
    x0, y0, x1, y1 = window
    sx, s_up, s_low = _column_lines(src)
    dx, d_up, d_low = _column_lines(dst)
    xs = np.arange(x0, x1, dtype=np.float64)
    at = np.interp(xs, dx, np.arange(len(dx)))  # each target column's place among the pairs (clamped at the ends)
    ranks = np.arange(len(dx))
    up_s, low_s = np.interp(at, ranks, s_up), np.interp(at, ranks, s_low)
    up_d, low_d = np.interp(xs, dx, d_up), np.interp(xs, dx, d_low)
    # the window's slide: the nearest to none that keeps it inside the source opening (where the target is wider,
    # up_s - up_d > low_s - low_d, the weight is 0 there and the bounds are only kept in order)
    high = low_s - low_d
    slide = np.clip(0.0, np.minimum(up_s - up_d, high), high)
    qx = np.broadcast_to(np.interp(at, ranks, sx) + (xs - np.interp(at, ranks, dx)), (y1 - y0, x1 - x0))
    qy = np.arange(y0, y1, dtype=np.float64)[:, None] + slide[None, :]
    window = remap(frame, qx.astype(np.float32), qy.astype(np.float32))
    feather = max(1.0, FEATHER_IOD * float(interocular_distance(dst)))
    soft = polygon_mask(target - (x0, y0), (y1 - y0, x1 - x0), feather).full((y1 - y0, x1 - x0))
    alpha = (soft * np.interp(at, ranks, weights)[None, :])[:, :, None].astype(np.float32)
    out = rgb.copy()
    inner = (slice(y0 - by0, y1 - by0), slice(x0 - bx0, x1 - bx0))
    out[inner] += alpha * (window - out[inner])
    taken = alpha[:, :, 0] >= 0.5
    map_x, map_y = maps[0].copy(), maps[1].copy()
    map_x[inner][taken], map_y[inner][taken] = qx[taken], qy[taken]
    return out, (map_x, map_y), strongest
