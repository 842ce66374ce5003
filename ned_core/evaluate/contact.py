"""Pick a few frames and cut matching face crops of source and result for the report's contact sheet."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ned_core.exceptions import FaceBoxError, ShapeError
from ned_core.guards import check_frames, check_same_shape


@dataclass(frozen=True)
class ContactSheet:
    """Face crops of K frames.

    Attributes:
        frames: ``(K,) int64`` frame numbers.
        source, result: ``(K, S, S, 3) uint8`` square face crops, same window in both.
    """

    frames: np.ndarray
    source: np.ndarray
    result: np.ndarray


def _crop(image: np.ndarray, box: np.ndarray, margin: float, size: int) -> np.ndarray:
    cx, cy = (box[0] + box[2]) / 2.0, (box[1] + box[3]) / 2.0
    half = max(box[2] - box[0], box[3] - box[1]) * (0.5 + margin)
    scale = size / (2.0 * half)
    m = np.array([[scale, 0.0, size / 2.0 - scale * cx], [0.0, scale, size / 2.0 - scale * cy]])
    return cv2.warpAffine(image, m, (size, size), flags=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT)


def contact_sheet(source: np.ndarray, result: np.ndarray, boxes: np.ndarray, frames: np.ndarray,
                  count: int = 4, size: int = 192, margin: float = 0.15) -> ContactSheet:
    """Crops of ``count`` evenly spaced frames (first and last included).

    Args:
        source, result: ``(T, H, W, 3) uint8``.
        boxes: ``(T, 4)`` face box per frame (x0, y0, x1, y1, pixels).
        frames: ``(T,)`` frame numbers.
        count: frames to show (fewer if the shot is shorter).
        size: crop side in pixels.
        margin: border around the squared box, fraction of its side.
    """
    source, result = check_frames("source", source), check_frames("result", result)
    check_same_shape("source", source, "result", result)
    boxes = np.asarray(boxes, dtype=np.float64)
    if boxes.shape != (len(source), 4) or not np.all(np.isfinite(boxes)):
        raise ShapeError("boxes", f"finite shape {(len(source), 4)}", boxes.shape)
    empty = np.flatnonzero((boxes[:, 2] <= boxes[:, 0]) | (boxes[:, 3] <= boxes[:, 1]))
    if empty.size:
        raise FaceBoxError(f"contact sheet: the face box of frame index {int(empty[0])} has no area: {boxes[empty[0]]}")
    picks = np.unique(np.linspace(0, len(source) - 1, max(1, count)).round().astype(int))
    return ContactSheet(
        frames=np.asarray(frames, dtype=np.int64)[picks],
        source=np.stack([_crop(source[i], boxes[i], margin, size) for i in picks]),
        result=np.stack([_crop(result[i], boxes[i], margin, size) for i in picks]),
    )
