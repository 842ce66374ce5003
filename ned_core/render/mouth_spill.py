"""Mouth interior the warp spills outside the target's lips, replaced by the skin around it.

A smile's dark corners (the buccal corridors between the teeth and the cheeks) reach up past the face mesh's
outer lip line at the mouth corners. Where the target un-smiles the mouth (sad, angry, disgusted on a smiling
speaker) the corners come in and the skin triangles beside them sample those dark corners: a dark spot of 2-3 px
at 44 px IOD beside each corner of the closed mouth (speaking astronaut sad, angry, disgusted). No pixel outside a
mouth's outer lip line is interior, so here each target pixel outside the target's outer lip line that the warp
sampled from the source mouth's dark cavity (below :data:`DARK_SHARE` of the mouth surroundings' luma, within
:data:`REACH_IOD` of the source's outer lip line) takes the smooth average of the skin around it, as
far as the target closes the mouth (``lip_repair.repair_weight``): an unedited mouth keeps its own picture.
"""

from __future__ import annotations

import cv2
import numpy as np

from ned_core.analysis.regions import LIPS_INNER, LIPS_OUTER, interocular_distance
from ned_core.render.lip_edge import mouth_reference
from ned_core.render.luma import luma

REACH_IOD = 0.08  # source interior this far outside the source's outer lip line counts (the smile's dark corners)
MARGIN_IOD = 0.15  # the target region searched around its outer lip line
DARK_SHARE = 0.4  # the cavity: darker than this share of the mouth surroundings' luma (skin and lips are not)
SAMPLED = 0.25  # a target pixel sampled this much from the source's interior is replaced
FILL_SIGMA_IOD = 0.04  # reach of the skin average a spilled pixel takes


def _lip_mask(points: np.ndarray, origin: tuple[int, int], shape: tuple[int, int]) -> np.ndarray:
    """``shape`` uint8 1 inside the polygon ``points (K, 2)`` (frame pixels), in a window at ``origin``."""
    mask = np.zeros(shape, np.uint8)
    cv2.fillPoly(mask, [np.round((points - origin) * 16).astype(np.int32)], 1, cv2.LINE_8, 4)
    return mask


def _window(points: np.ndarray, grow: float, limits: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """``(x0, y0, x1, y1)`` the box of ``points (K, 2)`` grown by ``grow`` pixels, clipped to ``limits``."""
    lo = np.floor(points.min(axis=0) - grow).astype(int)
    hi = np.ceil(points.max(axis=0) + grow).astype(int) + 1
    return (max(int(lo[0]), limits[0]), max(int(lo[1]), limits[1]), min(int(hi[0]), limits[2]),
            min(int(hi[1]), limits[3]))


def spilled_interior(image: np.ndarray, src: np.ndarray, dst: np.ndarray, maps: tuple[np.ndarray, np.ndarray],
                     box: tuple[int, int, int, int]) -> tuple[np.ndarray, tuple[int, int, int, int]] | None:
    """``(mask (h, w) uint8, window)``: the target pixels over ``window`` (frame pixels, inside ``box``) outside the
    target's outer lip line that the warp sampled from the source mouth's dark cavity (grown by a pixel, still outside
    the lips); None when there are none.

    Args:
        image: ``(H, W, 3)`` linear RGB source frame.
        src, dst: ``(>= 468, 2)`` landmarks, frame pixels.
        maps: ``(map_x, map_y)`` ``(bh, bw) float32`` the source position of each pixel of ``box``.
        box: ``(x0, y0, x1, y1)`` the render's box.
    """
    iod = float(interocular_distance(src))
    outer_s = src[list(LIPS_OUTER)]
    grow = REACH_IOD * iod + 1.0
    sx0, sy0, sx1, sy1 = _window(outer_s, grow, (0, 0, image.shape[1], image.shape[0]))
    if sx1 - sx0 < 3 or sy1 - sy0 < 3:
        return None
    lips = _lip_mask(outer_s, (sx0, sy0), (sy1 - sy0, sx1 - sx0))
    near = cv2.dilate(lips, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * int(grow) + 1,) * 2))
    reference = mouth_reference(image, src[list(LIPS_INNER)], iod)
    interior = (luma(np.asarray(image[sy0:sy1, sx0:sx1], np.float32)) < DARK_SHARE * reference[0]) & (near > 0)
    bx0, by0 = box[:2]
    outer_d = dst[list(LIPS_OUTER)]
    x0, y0, x1, y1 = _window(outer_d, MARGIN_IOD * float(interocular_distance(dst)), box)
    if x1 - x0 < 3 or y1 - y0 < 3:
        return None
    sub = (slice(y0 - by0, y1 - by0), slice(x0 - bx0, x1 - bx0))
    mx, my = (maps[0][sub] - sx0).astype(np.float32), (maps[1][sub] - sy0).astype(np.float32)
    sampled = cv2.remap(interior.astype(np.float32), mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                        borderValue=0.0)
    outside = _lip_mask(outer_d, (x0, y0), (y1 - y0, x1 - x0)) == 0
    mask = ((sampled >= SAMPLED) & outside).astype(np.uint8)
    if not mask.any():
        return None
    return cv2.dilate(mask, np.ones((3, 3), np.uint8)) * outside.astype(np.uint8), (x0, y0, x1, y1)


def clear_spill(rgb: np.ndarray, box: tuple[int, int, int, int], image: np.ndarray, src: np.ndarray,
                dst: np.ndarray, maps: tuple[np.ndarray, np.ndarray], weight: float) -> tuple[np.ndarray, float]:
    """``rgb`` with the spilled interior inpainted from the skin around it, blended by ``weight`` (0..1), and the
    number of pixels replaced (see the module docstring).

    Args:
        rgb: ``(h, w, 3) float32`` warped face over ``box``.
        box: ``(x0, y0, x1, y1)`` frame pixels.
        image: ``(H, W, 3)`` linear RGB source frame.
        src, dst: ``(>= 468, 2)`` landmarks, frame pixels.
        maps: ``(map_x, map_y)`` the box's source positions.
        weight: 0..1 how far the target closes the source's mouth.

    Returns:
        A new array where anything was replaced (else ``rgb`` itself) and the count of replaced pixels.
    """
    if weight <= 0.0:
        return rgb, 0.0
    found = spilled_interior(image, src, dst, maps, box)
    if found is None:
        return rgb, 0.0
    mask, (x0, y0, x1, y1) = found
    bx0, by0 = box[:2]
    sub = rgb[y0 - by0 : y1 - by0, x0 - bx0 : x1 - bx0]
    keep = (1 - mask).astype(np.float32)
    sigma = max(FILL_SIGMA_IOD * float(interocular_distance(dst)), 1.0)
    support = cv2.GaussianBlur(keep, (0, 0), sigma)[:, :, None]
    filled = cv2.GaussianBlur(sub * keep[:, :, None], (0, 0), sigma) / np.maximum(support, 1e-6)
    out = rgb.copy()
    out[y0 - by0 : y1 - by0, x0 - bx0 : x1 - bx0] = sub + weight * mask[:, :, None] * (filled - sub)
    return out, float(mask.sum())
