"""A lower lip pushed up over its teeth: the lower teeth stay with the mandible instead of rising, squeezed, with it.

The mesh warp spans the mouth opening with triangles between the inner lips, so the interior follows both lips:
where the lower lip rises (AU17's chin raise pushes it up: disgust, sadness; a smile's lips closed over its teeth),
the teeth in the opening are squeezed into the smaller gap. Anatomically the lower teeth sit in the mandible: the
lip slides up over teeth that stay put. (The chin cannot tell a closing jaw from a chin raise here: the face
model's AU17 lifts the chin point, MediaPipe 152, as far as the lower lip; gated by the chin's rise, the astronaut
still's disgust hid nothing.) So per column of the opening the lip rises ``hidden`` pixels above its teeth (its
rise along the face's down axis), and each target pixel in the opening samples the source ``t * hidden`` higher
than the warp would (``t``: 0 at the upper inner lip, 1 at the lower): the upper teeth stay where the warp put
them and the band of lower teeth the lip now covers is hidden under it, not squeezed. A lower lip that drops is
left to the warp (and the mouth fill). On the astronaut still the lower inner lip rises at most 1.4 px (disgusted)
to 2.4 px (sad), so her result hardly changes (fer p(happy) disgusted 0.32 -> 0.35, at 1.5 0.60 -> 0.57).
"""

from __future__ import annotations

import cv2
import numpy as np

from ned_core.analysis.regions import LIPS_INNER
from ned_core.face3d.lips import INNER_PAIRS
from ned_core.render.jaw_split import CORNER_IDS, along_columns, lip_columns

MIN_HIDDEN_PX = 0.25  # below this rise over the teeth (pixels) the warp's interior is kept as it is


def down_axis(src: np.ndarray) -> np.ndarray:
    """``(2,)`` unit vector across the mouth, pointing from the upper lip to the lower (perpendicular to the
    corner-to-corner line of the inner lips), from ``(>= 468, 2)`` source landmarks."""
    across = src[CORNER_IDS[1]] - src[CORNER_IDS[0]]
    down = np.array([-across[1], across[0]], np.float64)
    down /= max(float(np.linalg.norm(down)), 1e-9)
    return down if down[1] >= 0.0 else -down


def hidden_band(src: np.ndarray, dst: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """How far (pixels, along :func:`down_axis`) the lower lip rises over its teeth, per column of the opening.

    Args:
        src, dst: ``(>= 468, 2) float64`` landmarks, frame pixels.

    Returns:
        ``(xs (11,), hidden (11,))``: the target columns' x (corners and the nine inner-lip pairs, sorted) and
        the lower inner lip's rise there (0 where it drops).
    """
    down = down_axis(src)
    xs, _ = lip_columns(dst, INNER_PAIRS[:, 1])
    moved = np.array(dst, np.float64)  # the displacements, in the target columns' order
    moved[:, 1] = (np.asarray(dst, np.float64) - src) @ down
    lip = lip_columns(moved, INNER_PAIRS[:, 1])[1][:, 1]
    return xs, np.maximum(-lip, 0.0)


def keep_lower_teeth(map_x: np.ndarray, map_y: np.ndarray, box: tuple[int, int, int, int], src: np.ndarray,
                     dst: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The warp's backward maps with the lower teeth kept in place under a rising lower lip (module docstring).

    Args:
        map_x, map_y: ``(h, w) float32`` source coordinates of each pixel of ``box``.
        box: ``(x0, y0, x1, y1)`` frame pixels.
        src, dst: ``(>= 468, 2) float64`` landmarks, frame pixels.

    Returns:
        ``(map_x, map_y)``: the inputs themselves where no lip rises above its teeth, else corrected copies.
    """
    xs, hidden = hidden_band(src, dst)
    if hidden.max() < MIN_HIDDEN_PX:
        return map_x, map_y
    outline = dst[list(LIPS_INNER)]
    bx0, by0, bx1, by1 = box
    x0, y0 = np.maximum(np.floor(outline.min(axis=0)).astype(int) - 1, (bx0, by0))
    x1, y1 = np.minimum(np.ceil(outline.max(axis=0)).astype(int) + 2, (bx1, by1))
    if x1 <= x0 or y1 <= y0:
        return map_x, map_y
    opening = np.zeros((y1 - y0, x1 - x0), np.uint8)
    cv2.fillPoly(opening, [np.round((outline - (x0, y0)) * 16).astype(np.int32)], 1, cv2.LINE_8, 4)
    px, py = np.meshgrid(np.arange(x0, x1, dtype=np.float64), np.arange(y0, y1, dtype=np.float64))
    _, d_up = lip_columns(dst, INNER_PAIRS[:, 0])
    _, d_low = lip_columns(dst, INNER_PAIRS[:, 1])
    up, low = along_columns(xs, d_up, px), along_columns(xs, d_low, px)
    down = down_axis(src)
    depth = (px - up[..., 0]) * down[0] + (py - up[..., 1]) * down[1]
    gap = (low[..., 0] - up[..., 0]) * down[0] + (low[..., 1] - up[..., 1]) * down[1]
    t = np.clip(depth / np.maximum(gap, 1e-6), 0.0, 1.0)
    lift = (opening * t * np.interp(px, xs, hidden)).astype(np.float32)
    sub = (slice(y0 - by0, y1 - by0), slice(x0 - bx0, x1 - bx0))
    out_x, out_y = map_x.copy(), map_y.copy()
    out_x[sub] -= lift * np.float32(down[0])
    out_y[sub] -= lift * np.float32(down[1])
    return out_x, out_y
