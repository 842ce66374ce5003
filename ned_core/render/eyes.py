"""Eye interiors moved rigidly: each eye's similarity transform replaces the lid mesh inside the eye contour."""

from __future__ import annotations

import numpy as np

from ned_core.analysis.mask import polygon_mask
from ned_core.analysis.procrustes import similarity_transform
from ned_core.analysis.regions import LEFT_EYE, RIGHT_EYE

EYES = (RIGHT_EYE, LEFT_EYE)


def rigid_eye_maps(map_x: np.ndarray, map_y: np.ndarray, box: tuple[int, int, int, int], src: np.ndarray,
                   dst: np.ndarray, feather_px: float) -> tuple[np.ndarray, np.ndarray]:
    """Replace the backward map inside each target eye contour by that eye's similarity transform.

    The mesh stretches the eye's interior across the lid triangles when an eye moves or changes
    shape; inside the target eye contour the content is instead sampled through the least-squares
    similarity (rotation, scale, shift) taking the target contour to the source contour, so the
    iris and sclera keep their shape. The two maps are blended over ``feather_px`` inside the
    contour (0 on it: the lid margin follows the mesh). A contour that closes leaves little or no
    interior, so the lid skin from the mesh covers the eye.

    Args:
        map_x, map_y: ``(h, w) float32`` backward map over ``box`` (source pixel per output pixel).
        box: ``(x0, y0, x1, y1)`` of the maps in frame pixels.
        src, dst: ``(>= 468, 2) float64`` source and target landmarks, frame pixels.
        feather_px: soft edge width in pixels.

    Returns:
        New ``(map_x, map_y)``, equal to the inputs outside the eyes.
    """
    map_x, map_y = map_x.copy(), map_y.copy()
    x0, y0 = box[0], box[1]
    size = map_x.shape
    for eye in EYES:
        idx = list(eye)
        win = polygon_mask(dst[idx] - (x0, y0), size, feather_px)
        h, w = win.alpha.shape
        if h == 0 or w == 0 or not win.alpha.any():
            continue
        m = similarity_transform(dst[idx], src[idx])  # target -> source
        xs = np.arange(x0 + win.x0, x0 + win.x0 + w, dtype=np.float64)[None, :]
        ys = np.arange(y0 + win.y0, y0 + win.y0 + h, dtype=np.float64)[:, None]
        rigid_x = m[0, 0] * xs + m[0, 1] * ys + m[0, 2]
        rigid_y = m[1, 0] * xs + m[1, 1] * ys + m[1, 2]
        sub = (slice(win.y0, win.y0 + h), slice(win.x0, win.x0 + w))
        a = win.alpha
        map_x[sub] = (map_x[sub] + a * (rigid_x - map_x[sub])).astype(np.float32)
        map_y[sub] = (map_y[sub] + a * (rigid_y - map_y[sub])).astype(np.float32)
    return map_x, map_y
