"""The upper lip brought down over the upper teeth where the target takes away a smile and opens the mouth.

A broad smile lifts the upper lip off the upper teeth; the face mesh puts its inner edge on the teeth. Where the
target drops the smile's corners but keeps or widens the opening (surprise on a smiling speaker: the jaw drops,
the lips relax), the warp and the mouth fill keep that lifted lip over the whole row of upper teeth, so the dropped
jaw shows the smile's teeth in a wide arc under a thin upper lip and the mouth still reads as a grin (speaking
astronaut surprised: fer read happy on 4 of 24 frames, the held-out warm twin on 15). A relaxed upper lip hangs
over the upper teeth and shows at most their edges. So, column by column, the target's upper lip band (outer
edge to inner edge, as rendered) is stretched down over :data:`COVER_SHARE` of the run of teeth below its inner
edge (grey, not dark, against the mouth's surroundings: ``lip_edge.interior_like``), as far as the target brings
the corners down against the upper lip's middle (:func:`lower_weight`; the corner drop against the lips' meeting
line, ``smile_relax.corner_drop``, barely moves under a dropping jaw: 0.04 of its full weight on surprised) and not
where it closes the mouth down (``lip_repair.repair_weight`` has the teeth the warp carries into the lips replaced
there).
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import median_filter

from ned_core.analysis import crop
from ned_core.analysis.regions import LIPS_INNER, LIPS_OUTER, interocular_distance
from ned_core.face3d.falloff import smoothstep
from ned_core.render.lip_edge import DARK, interior_like
from ned_core.render.lip_repair import lip_contours
from ned_core.render.luma import luma
from ned_core.render.warp import remap

COVER_SHARE = 0.6  # share of the upper teeth's visible height the relaxed lip covers
START_IOD = 0.1  # the teeth start this near below the upper inner edge (IOD)
MEDIAN_COLUMNS = 5  # the teeth's height is smoothed over this many columns (the gaps between teeth)
FEATHER_PX = 0.7  # soft lower edge of the lowered lip
DROP_IOD = (0.02, 0.07)  # corners brought down against the upper lip's middle: the lip starts to / fully comes down
CORNERS = (61, 291)
UPPER_MIDDLE = 13


def upper_teeth(rgb: np.ndarray, origin: tuple[int, int], upper: np.ndarray, lower: np.ndarray,
                iod: float, reference: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
    """``(starts (W,), heights (W,))``: in each column of ``rgb (h, W, 3)`` (a window whose pixel (0, 0) is frame
    pixel ``origin``), the frame y where the upper teeth begin below the upper lip and how many pixels they run
    (grey, not dark rows: ``lip_edge.interior_like``), for the first such run that starts within :data:`START_IOD`
    of the upper inner edge ``upper (W,)`` (frame y) and above the middle of the gap to ``lower (W,)``; height 0
    where there is none. Both smoothed over :data:`MEDIAN_COLUMNS` (the gaps between the teeth)."""
    teeth = interior_like(rgb, reference) & (luma(rgb) >= DARK * reference[0])  # (h, W)
    h = rgb.shape[0]
    starts, heights = np.array(upper, np.float64), np.zeros(rgb.shape[1])
    for x in range(rgb.shape[1]):
        top, bottom = upper[x] - origin[1], lower[x] - origin[1]
        reach = min(top + START_IOD * iod, 0.5 * (top + bottom))
        rows = np.arange(max(int(np.floor(top)), 0), min(int(np.ceil(bottom)), h))
        hits = rows[teeth[rows, x]]
        if len(hits) == 0 or hits[0] > reach:
            continue
        end = hits[0]
        while end + 1 in hits:
            end += 1
        starts[x], heights[x] = max(float(hits[0]) - 0.5, top) + origin[1], end + 0.5 - max(float(hits[0]) - 0.5, top)
    found = heights > 0
    starts = np.where(found, median_filter(starts, size=MEDIAN_COLUMNS, mode="nearest"), upper)
    return starts, median_filter(heights, size=MEDIAN_COLUMNS, mode="nearest")


def lower_upper_lip(rgb: np.ndarray, box: tuple[int, int, int, int], dst: np.ndarray,
                    reference: tuple[float, float], weight: float) -> tuple[np.ndarray, float]:
    """The rendered face with the upper lip stretched down over the upper teeth (see the module docstring).

    Args:
        rgb: ``(h, w, 3) float32`` rendered face over ``box``.
        box: ``(x0, y0, x1, y1)`` frame pixels.
        dst: ``(>= 468, 2) float64`` target landmarks, frame pixels.
        reference: the source mouth surroundings' ``(luma, redness)`` (``lip_edge.mouth_reference``).
        weight: 0..1 how far the lip comes down (:func:`lower_weight`).

    Returns:
        A new array where anything changed (else ``rgb`` itself) and the largest drop of the lip's edge (pixels).
    """
    if weight <= 0.0 or reference[0] <= 0.0:
        return rgb, 0.0
    bx0, by0, bx1, by1 = box
    inner = dst[list(LIPS_INNER)]
    outer = dst[list(LIPS_OUTER)]
    x0, x1 = max(int(np.ceil(inner[:, 0].min())), bx0), min(int(np.floor(inner[:, 0].max())) + 1, bx1)
    y0, y1 = max(int(np.floor(outer[:, 1].min())) - 1, by0), min(int(np.ceil(outer[:, 1].max())) + 2, by1)
    if x1 - x0 < 3 or y1 - y0 < 3:
        return rgb, 0.0
    sub = rgb[y0 - by0 : y1 - by0, x0 - bx0 : x1 - bx0]
    xs = np.arange(x0, x1, dtype=np.float64)
    y_uo, y_ui, y_li, _ = lip_contours(dst, xs)
    starts, heights = upper_teeth(sub, (x0, y0), y_ui, y_li, float(interocular_distance(dst)), reference)
    drop = weight * COVER_SHARE * heights
    if drop.max() <= 0.0:
        return rgb, 0.0
    edge = starts + drop  # the lowered lip's inner edge
    ys = np.arange(y0, y1, dtype=np.float64)[:, None]
    height = np.maximum(starts - y_uo, 0.5)
    share = np.clip((ys - y_uo) / np.maximum(edge - y_uo, 0.5), 0.0, 1.0)
    qy = (y_uo + share * height - y0).astype(np.float32)
    qx = np.ascontiguousarray(np.broadcast_to((xs - x0).astype(np.float32), qy.shape))
    alpha = np.clip((edge - ys) / FEATHER_PX + 0.5, 0.0, 1.0) * (ys >= y_uo) * (drop > 0.0)
    drawn = remap(np.ascontiguousarray(sub), qx, qy)
    out = rgb.copy()
    out[y0 - by0 : y1 - by0, x0 - bx0 : x1 - bx0] = sub + alpha[:, :, None].astype(np.float32) * (drawn - sub)
    return out, float(drop.max())


def corners_above_lip(landmarks: np.ndarray, to_template: np.ndarray) -> float:
    """How far (IOD, pose-normalised) the mouth corners lie above the upper lip's inner middle (13): a smile's
    upward curve of the upper lip, which an opening jaw does not change."""
    pts = crop.apply_affine(to_template, landmarks[[*CORNERS, UPPER_MIDDLE]])
    return float(pts[2, 1] - pts[:2, 1].mean())


def lower_weight(src: np.ndarray, dst: np.ndarray, to_template: tuple[np.ndarray, np.ndarray], repair: float) -> float:
    """0..1: how far the upper lip comes down: smooth in how far the target brings the corners down against the
    upper lip's middle (:func:`corners_above_lip`, :data:`DROP_IOD`), and not where the target closes the mouth down
    (``repair``: ``lip_repair.repair_weight``).

    Args:
        src, dst: ``(>= 468, 2)`` landmarks, frame pixels.
        to_template: both frames' ``mouth_index.template_from_image``.
        repair: 0..1.
    """
    drop = corners_above_lip(src, to_template[0]) - corners_above_lip(dst, to_template[1])
    return float(smoothstep(*DROP_IOD, drop) * (1.0 - repair))
