"""Paint an open mouth's interior (dark cavity, upper and lower teeth) inside a warped face's inner lip contour."""

from __future__ import annotations

import cv2
import numpy as np

CAVITY_RGB = (46, 18, 22)  # dark red-brown
UPPER_TEETH_RGB = (222, 212, 196)
LOWER_TEETH_RGB = (180, 168, 156)
UPPER_TEETH_IOD = 0.08  # visible height of the upper incisors
LOWER_TEETH_IOD = 0.04
_SHIFT = 4  # cv2 sub-pixel bits


def mouth_height(inner_lips: np.ndarray) -> float:
    """Mean opening of a mouth: area of the inner lip polygon ``(N, 2)`` over its width (pixels)."""
    x, y = inner_lips[:, 0], inner_lips[:, 1]
    area = 0.5 * abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))
    return area / max(float(np.ptp(x)), 1e-6)


def _mask(shape: tuple[int, int], polygon: np.ndarray) -> np.ndarray:
    mask = np.zeros(shape, np.float32)
    cv2.fillPoly(mask, [np.round(polygon * (1 << _SHIFT)).astype(np.int32)], 1.0, cv2.LINE_AA, _SHIFT)
    return mask


def _band(arc: np.ndarray, depth: np.ndarray) -> np.ndarray:
    """Polygon between an arc ``(n, 2)`` and the arc moved by ``depth (2,)``."""
    return np.concatenate([arc, arc[::-1] + depth])


def paint_mouth(frame: np.ndarray, upper_arc: np.ndarray, lower_arc: np.ndarray, iod_px: float, opacity: float) -> None:
    """Paint the mouth interior in place.

    The cavity fills the inner lip polygon; the upper teeth hang ``UPPER_TEETH_IOD`` below the
    upper inner lip, the lower teeth rise ``LOWER_TEETH_IOD`` above the lower one, both clipped to
    the polygon. Edges are anti-aliased and softened by one pixel.

    Args:
        frame: ``(H, W, 3) uint8`` image, changed in place.
        upper_arc: ``(n, 2)`` upper inner lip contour, corner to corner, in pixels.
        lower_arc: ``(m, 2)`` lower inner lip contour, from the corner where ``upper_arc`` ends.
        iod_px: inter-ocular distance in pixels (teeth scale with the face).
        opacity: 0..1, how much of the interior replaces what is there.
    """
    if opacity <= 0.0:
        return
    shape = frame.shape[:2]
    inside = _mask(shape, np.concatenate([upper_arc, lower_arc]))
    down = np.array([0.0, 1.0]) * iod_px
    upper = _mask(shape, _band(upper_arc, UPPER_TEETH_IOD * down)) * inside
    lower = _mask(shape, _band(lower_arc, -LOWER_TEETH_IOD * down)) * inside * (1.0 - upper)
    colour = np.empty(frame.shape, np.float32)
    colour[:] = CAVITY_RGB
    for mask, rgb in ((upper, UPPER_TEETH_RGB), (lower, LOWER_TEETH_RGB)):
        colour += mask[:, :, None] * (np.array(rgb, np.float32) - colour)
    alpha = opacity * cv2.GaussianBlur(inside, (3, 3), 0)[:, :, None]
    frame[:] = np.round(frame * (1.0 - alpha) + colour * alpha).astype(np.uint8)
