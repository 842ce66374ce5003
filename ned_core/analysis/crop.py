"""Affine views of an image: letterbox, tile, rotated square regions, and an anti-aliased warp.

Pixel coordinates follow OpenCV: the centre of pixel (i, j) is at x = j, y = i.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from ned_core.analysis.types import FaceRegion


def region_matrix(region: FaceRegion, out_size: int) -> np.ndarray:
    """Affine map from image pixels to a square crop of ``region``, face upright (region centre -> crop centre).

    Args:
        region: the rotated square (centre, side, angle).
        out_size: crop side in pixels.

    Returns:
        ``(2, 3) float64`` M with ``crop_xy = M @ [x, y, 1]``.
    """
    s = out_size / region.size
    c, si = math.cos(region.angle), math.sin(region.angle)
    lin = s * np.array([[c, si], [-si, c]])
    t = (out_size - 1) / 2.0 - lin @ np.asarray(region.center, dtype=np.float64)
    return np.hstack([lin, t[:, None]])


def letterbox_matrix(width: int, height: int, out_size: int, angle: float = 0.0) -> np.ndarray:
    """Affine map fitting a whole ``width x height`` image, centred, into a square, optionally turned.

    Args:
        width, height: image size in pixels.
        out_size: side of the square output.
        angle: radians; content rolled by ``angle`` in the image comes out upright (see FaceRegion).

    Returns:
        ``(2, 3) float64`` image -> square map.
    """
    size = float(max(width, height))
    region = FaceRegion(np.array([(width - 1) / 2.0, (height - 1) / 2.0]), size, angle)
    return region_matrix(region, out_size)


def tile_regions(width: int, height: int, tile: float, overlap: float = 0.25) -> list[FaceRegion]:
    """Upright square tiles of side ``tile`` covering the image with at least ``overlap`` between them."""
    def starts(extent: int) -> np.ndarray:
        if extent <= tile:
            return np.array([extent / 2.0])
        n = math.ceil((extent - tile) / (tile * (1 - overlap))) + 1
        return np.linspace(tile / 2.0, extent - tile / 2.0, n)

    return [FaceRegion(np.array([x, y]), tile, 0.0) for y in starts(height) for x in starts(width)]


def invert_affine(m: np.ndarray) -> np.ndarray:
    """Inverse of a ``(2, 3)`` affine map."""
    return cv2.invertAffineTransform(np.asarray(m, dtype=np.float64))


def apply_affine(m: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Map ``(..., 2)`` points through a ``(2, 3)`` affine map."""
    return points @ m[:, :2].T + m[:, 2]


def _whole_multiple(lo: int, hi: int, k: int, extent: int) -> tuple[int, int]:
    """``[lo, hi)`` grown to a whole multiple of ``k`` pixels inside ``[0, extent)`` (at its far end, or its near end
    at the image's edge); unchanged where the image is too small."""
    span = -(-(hi - lo) // k) * k
    if span > extent:
        return lo, hi
    hi = min(lo + span, extent)
    return hi - span, hi


def warp(image: np.ndarray, m: np.ndarray, out_size: tuple[int, int]) -> np.ndarray:
    """Resample ``image`` through the image -> output map ``m``, area-averaging first when shrinking.

    Only the part of the image the output sees is touched, so a small crop of a large frame is cheap.

    Args:
        image: ``(H, W, C) uint8`` (or float32).
        m: ``(2, 3)`` image -> output affine map.
        out_size: output (width, height).

    Returns:
        ``(height, width, C)`` same dtype as ``image``; outside the image is black.
    """
    m = np.asarray(m, dtype=np.float64)
    scale = math.sqrt(abs(np.linalg.det(m[:, :2])))
    if scale < 0.5:
        w, h = out_size
        corners = apply_affine(invert_affine(m), np.array([[0, 0], [w, 0], [0, h], [w, h]], dtype=np.float64))
        x0, y0 = np.maximum(np.floor(corners.min(axis=0)).astype(int) - 2, 0)
        x1, y1 = np.minimum(np.ceil(corners.max(axis=0)).astype(int) + 2, [image.shape[1], image.shape[0]])
        if x1 > x0 and y1 > y0:
            # shrinking 6x or more: a whole factor k first (OpenCV's box-average fast path, ~3x less CPU a pixel than a
            # fractional factor: a 1400 px face region ~9 -> ~4.4 ms) over the region grown to a multiple of k, then
            # the fraction left, kept >= 2 (below 2 OpenCV's area average strays up to 0.07 px from the boxes' centres)
            k = int(1.0 / (3.0 * scale))
            if k >= 2:
                x0, x1 = _whole_multiple(x0, x1, k, image.shape[1])
                y0, y1 = _whole_multiple(y0, y1, k, image.shape[0])
            sub = image[y0:y1, x0:x1]
            if k >= 2 and (x1 - x0) % k == 0 and (y1 - y0) % k == 0:
                sub = cv2.resize(sub, ((x1 - x0) // k, (y1 - y0) // k), interpolation=cv2.INTER_AREA)
            sw, sh = max(1, round((x1 - x0) * scale * 1.5)), max(1, round((y1 - y0) * scale * 1.5))
            small = cv2.resize(sub, (sw, sh), interpolation=cv2.INTER_AREA)
            # small px -> original px: x = x0 + (u + 0.5) * (x1 - x0) / sw - 0.5
            fx, fy = (x1 - x0) / sw, (y1 - y0) / sh
            to_orig = np.array([[fx, 0, x0 + 0.5 * fx - 0.5], [0, fy, y0 + 0.5 * fy - 0.5]])
            m = np.hstack([m[:, :2] @ to_orig[:, :2], (m[:, :2] @ to_orig[:, 2] + m[:, 2])[:, None]])
            image = small
    return cv2.warpAffine(image, m, out_size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
