"""Soft face and feature masks from the mesh (face oval, lips, mouth interior, eyes, brows) and pupils."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ned_core.analysis.regions import (
    LEFT_IRIS,
    LEFT_IRIS_CENTRE,
    RIGHT_IRIS,
    RIGHT_IRIS_CENTRE,
    interocular_distance,
    polygon,
)
from ned_core.exceptions import ShapeError

SUBPIXEL_BITS = 4  # cv2.fillPoly fixed-point precision
FEATURE_REGIONS = ("lips_outer", "lips_inner", "right_eye", "left_eye", "right_brow", "left_brow")


@dataclass(frozen=True)
class MaskWindow:
    """A soft mask stored only over its bounding window of the frame.

    Attributes:
        x0, y0: top-left pixel of the window in the frame.
        alpha: ``(h, w) float32`` in 0..1.
    """

    x0: int
    y0: int
    alpha: np.ndarray

    def full(self, frame_size: tuple[int, int]) -> np.ndarray:
        """The mask pasted into an ``(H, W) float32`` frame of zeros."""
        out = np.zeros(frame_size, dtype=np.float32)
        h, w = self.alpha.shape
        out[self.y0 : self.y0 + h, self.x0 : self.x0 + w] = self.alpha
        return out


def polygon_mask(outline: np.ndarray, frame_size: tuple[int, int], feather_px: float) -> MaskWindow:
    """Fill a polygon with a soft inner edge: 0 on the outline, rising smoothly to 1 ``feather_px`` inside.

    Args:
        outline: ``(K, 2)`` vertices in image pixels (OpenCV pixel centres).
        frame_size: (H, W); the window is clipped to the frame.
        feather_px: width of the soft edge in pixels (0 = hard edge).
    """
    h, w = frame_size
    x0, y0 = np.clip(np.floor(outline.min(axis=0)).astype(int) - 1, 0, [w, h])
    x1, y1 = np.clip(np.ceil(outline.max(axis=0)).astype(int) + 2, 0, [w, h])
    if x1 <= x0 or y1 <= y0:
        return MaskWindow(int(x0), int(y0), np.zeros((0, 0), np.float32))
    hard = np.zeros((y1 - y0, x1 - x0), np.uint8)
    pts = np.round((outline - [x0, y0]) * (1 << SUBPIXEL_BITS)).astype(np.int32)
    cv2.fillPoly(hard, [pts], 255, lineType=cv2.LINE_8, shift=SUBPIXEL_BITS)
    if feather_px <= 0:
        return MaskWindow(int(x0), int(y0), (hard > 0).astype(np.float32))
    padded = np.pad(hard, 1)  # the window edge counts as outside
    inside = cv2.distanceTransform(padded, cv2.DIST_L2, cv2.DIST_MASK_PRECISE)[1:-1, 1:-1]
    t = np.clip((inside - 0.5) / feather_px, 0.0, 1.0)
    return MaskWindow(int(x0), int(y0), (t * t * (3.0 - 2.0 * t)).astype(np.float32))


def _check(landmarks: np.ndarray) -> None:
    if landmarks.ndim != 2 or landmarks.shape[0] < 468 or landmarks.shape[1] < 2:
        raise ShapeError("landmarks", "(478, 3) landmarks of one frame", landmarks.shape)


def face_mask(landmarks: np.ndarray, frame_size: tuple[int, int], feather: float) -> MaskWindow:
    """The face region (inside the mesh's face oval) with a soft inner edge.

    Args:
        landmarks: ``(478, 3)`` one frame, image pixels.
        frame_size: (H, W).
        feather: soft-edge width as a fraction of the inter-ocular distance (``AnalysisConfig.mask_feather``).
    """
    _check(landmarks)
    return polygon_mask(polygon(landmarks, "face_oval"), frame_size, feather * float(interocular_distance(landmarks)))


def feature_masks(landmarks: np.ndarray, frame_size: tuple[int, int], feather: float) -> dict[str, MaskWindow]:
    """Soft masks of the lips (outer outline), mouth interior (inner lip outline), eyes and brows.

    Keys: ``lips_outer``, ``lips_inner``, ``right_eye``, ``left_eye``, ``right_brow``, ``left_brow``
    (subject's sides). The edge is ``feather`` x a tenth of the inter-ocular distance, as the
    features are small.
    """
    _check(landmarks)
    px = 0.1 * feather * float(interocular_distance(landmarks))
    return {name: polygon_mask(polygon(landmarks, name), frame_size, px) for name in FEATURE_REGIONS}


def pupils(landmarks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Iris centres and radii of both eyes (subject's right, then left).

    Args:
        landmarks: ``(..., 478, 3)`` image pixels.

    Returns:
        centres ``(..., 2, 2) float32`` x, y and radii ``(..., 2) float32`` in pixels (mean distance
        of the four iris-edge points from the centre).
    """
    lm = np.asarray(landmarks)
    if lm.shape[-2] < 478:
        raise ShapeError("pupils", "(..., 478, 3) landmarks with irises", lm.shape)
    centres = lm[..., [RIGHT_IRIS_CENTRE, LEFT_IRIS_CENTRE], :2]
    edges = np.stack([lm[..., list(RIGHT_IRIS), :2], lm[..., list(LEFT_IRIS), :2]], axis=-3)
    radii = np.linalg.norm(edges - centres[..., None, :], axis=-1).mean(axis=-1)
    return centres.astype(np.float32), radii.astype(np.float32)
