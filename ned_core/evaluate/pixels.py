"""The paper's pixel distances: FAPD (face pixels), APD (whole image) and MAPD (mouth window).

All three average, over pixels, the Euclidean RGB distance ``sqrt(sum_c (a_c - b_c)^2)`` of two
images in 0..255 scale (Papantoniou et al., CVPR 2022, self-translation metrics; lower is better).
Each is computed per frame; a shot's figure is the mean over frames (every frame counts equally).
"""

from __future__ import annotations

import numpy as np

from ned_core.exceptions import MetricUndefinedError, ShapeError
from ned_core.guards import check_frames, check_masks, check_same_shape


def pixel_distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per-pixel Euclidean RGB distance.

    Args:
        a, b: ``(H, W, 3)`` uint8 or float, 0..255 scale.

    Returns:
        ``(H, W) float64`` distances in 0..255*sqrt(3).
    """
    diff = a.astype(np.float64) - b.astype(np.float64)
    return np.sqrt(np.einsum("hwc,hwc->hw", diff, diff))


def apd_per_frame(source: np.ndarray, result: np.ndarray) -> np.ndarray:
    """APD: mean pixel distance over the whole image.

    Args:
        source, result: ``(T, H, W, 3)`` in 0..255 scale.

    Returns:
        ``(T,) float64``.
    """
    source, result = check_frames("source", source), check_frames("result", result)
    check_same_shape("source", source, "result", result)
    return np.array([pixel_distance(s, r).mean() for s, r in zip(source, result)])


def fapd_per_frame(source: np.ndarray, result: np.ndarray, masks: np.ndarray) -> np.ndarray:
    """FAPD: mean pixel distance over the face mask (mask-weighted for soft masks).

    Args:
        source, result: ``(T, H, W, 3)`` in 0..255 scale.
        masks: ``(T, H, W)`` face masks, bool or weights in 0..1 (the source's masks).

    Returns:
        ``(T,) float64``.

    Raises:
        MetricUndefinedError: a frame's mask is empty (names the frame index).
    """
    source, result = check_frames("source", source), check_frames("result", result)
    check_same_shape("source", source, "result", result)
    masks = check_masks("masks", masks, source.shape)
    out = np.empty(len(source))
    for t, (s, r, m) in enumerate(zip(source, result, masks)):
        w = m.astype(np.float64)
        total = w.sum()
        if total <= 0:
            raise MetricUndefinedError(f"FAPD: the face mask of frame index {t} is empty")
        out[t] = float((pixel_distance(s, r) * w).sum() / total)
    return out


def mouth_window(centre: np.ndarray, side: int, height: int, width: int) -> tuple[int, int, int, int]:
    """The ``side x side`` pixel window centred on ``centre``, moved inside the image when it sticks out.

    Pixel ``(i, j)`` covers ``[j, j+1) x [i, i+1)``; the window starts at ``round(c - side / 2)``
    on each axis, so a centre on a pixel corner splits an even window evenly.

    Args:
        centre: ``(2,)`` x, y in pixels.
        side: window side in pixels (at most the image's smaller side).

    Returns:
        (y0, y1, x0, x1), half-open.
    """
    if side > min(height, width):
        raise ShapeError("MAPD", f"a window side <= the image size {width}x{height}", side)
    x, y = (float(v) for v in centre)
    if not (np.isfinite(x) and np.isfinite(y)):
        raise ShapeError("MAPD", "a finite mouth centre", centre)
    x0 = int(np.clip(round(x - side / 2), 0, width - side))
    y0 = int(np.clip(round(y - side / 2), 0, height - side))
    return y0, y0 + side, x0, x0 + side


def mapd_per_frame(source: np.ndarray, result: np.ndarray, mouth_centres: np.ndarray, side: int) -> np.ndarray:
    """MAPD: mean pixel distance inside a square window around the mouth centre.

    The paper uses a 72x72 window on 256x256 aligned crops; on other images pass the same share of
    the face: ``side = mouth_window_side(crop side of the face in these pixels)``.

    Args:
        source, result: ``(T, H, W, 3)`` in 0..255 scale.
        mouth_centres: ``(T, 2)`` x, y of the source's mouth centre per frame (pixels).
        side: window side in pixels.

    Returns:
        ``(T,) float64``.
    """
    source, result = check_frames("source", source), check_frames("result", result)
    check_same_shape("source", source, "result", result)
    mouth_centres = np.asarray(mouth_centres, dtype=np.float64)
    if mouth_centres.shape != (len(source), 2):
        raise ShapeError("mouth_centres", f"shape {(len(source), 2)}", mouth_centres.shape)
    height, width = source.shape[1:3]
    out = np.empty(len(source))
    for t in range(len(source)):
        y0, y1, x0, x1 = mouth_window(mouth_centres[t], side, height, width)
        out[t] = pixel_distance(source[t, y0:y1, x0:x1], result[t, y0:y1, x0:x1]).mean()
    return out
