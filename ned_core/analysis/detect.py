"""Find faces with BlazeFace: short range on the whole frame, full range (tiled for small faces), any roll."""

from __future__ import annotations

import math
from functools import lru_cache

import cv2
import numpy as np

from ned_core.analysis import crop, ssd
from ned_core.analysis.config import AnalysisConfig
from ned_core.analysis.litert_runner import LiteRTModel
from ned_core.analysis.model_set import FaceMeshModels
from ned_core.analysis.types import Detection, FaceRegion
from ned_core.exceptions import ShapeError

# Smallest face (input pixels) the full-range model finds reliably (measured: score >= 0.75 from
# 14 px on the test photos); faces of min_face_px smaller than this in the whole-frame view make
# the frame tiled.
FULL_RANGE_MIN_FACE = 16.0
WORKING_SIZE = 384  # whole-frame views read the frame area-averaged once to this long side


@lru_cache(maxsize=None)
def _anchors(layout: ssd.AnchorLayout) -> np.ndarray:
    return ssd.anchor_centres(layout)


def check_image(image: np.ndarray) -> None:
    """Raise ShapeError unless ``image`` is ``(H, W, 3) uint8`` with H, W > 0."""
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8 or 0 in image.shape:
        raise ShapeError("image", "an (H, W, 3) uint8 sRGB image", f"{image.shape} {image.dtype}")


def run_detector(image: np.ndarray, model: LiteRTModel, layout: ssd.AnchorLayout, view: np.ndarray,
                 min_score: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Run one BlazeFace model on one affine view of the image.

    Args:
        image: ``(H, W, 3) uint8``.
        view: ``(2, 3)`` image -> model-input affine map.

    Returns:
        boxes ``(K, 4)`` (axis-aligned bounds in image pixels), keypoints ``(K, 6, 2)`` in image
        pixels, scores ``(K,)``; float32, not yet suppressed.
    """
    size = layout.input_size
    pixels = crop.warp(image, view, (size, size)).astype(np.float32) * (2.0 / 255.0) - 1.0
    raw_boxes, raw_scores = model.run(pixels)
    boxes, kps, scores = ssd.decode(raw_boxes[0], raw_scores[0, :, 0], _anchors(layout), size, min_score)
    back = crop.invert_affine(view)
    kps_img = crop.apply_affine(back, kps * size - 0.5)
    x0, y0, x1, y1 = (boxes * size - 0.5).T
    corners = np.stack([np.stack([x0, y0], 1), np.stack([x1, y0], 1), np.stack([x0, y1], 1),
                        np.stack([x1, y1], 1)], axis=1)
    corners_img = crop.apply_affine(back, corners)
    boxes_img = np.concatenate([corners_img.min(axis=1), corners_img.max(axis=1)], axis=1)
    return boxes_img.astype(np.float32), kps_img.astype(np.float32), scores


def _detect_at(image: np.ndarray, small: np.ndarray, degrees: int, models: FaceMeshModels,
               config: AnalysisConfig) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Detections from every view at one roll angle, merged by weighted NMS (keypoints agree in order).

    Upright: both models on the whole frame, plus full-range tiles when the smallest face searched for
    (:func:`face_floor`) is too small for the whole-frame view. Turned: the short-range model on the whole frame
    only (it is the one that tolerates roll best; rolled faces smaller than about a tenth of the frame are
    not searched for). Whole-frame views read ``small``, the frame area-averaged once.
    """
    height, width = image.shape[:2]
    to_full = width / small.shape[1]
    runs = [(models.short_range, ssd.SHORT_RANGE, config.short_range_score)]
    if degrees == 0:
        runs.append((models.full_range, ssd.FULL_RANGE, config.full_range_score))
    found = []
    for model, layout, threshold in runs:
        view = crop.letterbox_matrix(small.shape[1], small.shape[0], layout.input_size, math.radians(degrees))
        boxes, kps, scores = run_detector(small, model, layout, view, threshold)
        found.append(((boxes + 0.5) * to_full - 0.5, (kps + 0.5) * to_full - 0.5, scores))
    floor = face_floor(config, width, height)
    smallest = floor * ssd.FULL_RANGE.input_size / max(width, height)
    if degrees == 0 and smallest < FULL_RANGE_MIN_FACE:
        tile = floor * ssd.FULL_RANGE.input_size / FULL_RANGE_MIN_FACE
        # tiles read the frame area-averaged once to 1.5x the tiles' input resolution
        shrink = min(1.0, 1.5 * ssd.FULL_RANGE.input_size / tile)
        medium = _shrink(image, shrink)
        to_full = width / medium.shape[1]
        for region in crop.tile_regions(medium.shape[1], medium.shape[0], tile / to_full):
            boxes, kps, scores = run_detector(medium, models.full_range, ssd.FULL_RANGE,
                                              crop.region_matrix(region, 192), config.full_range_score)
            found.append(((boxes + 0.5) * to_full - 0.5, (kps + 0.5) * to_full - 0.5, scores))
    boxes = np.concatenate([f[0] for f in found])
    kps = np.concatenate([f[1] for f in found])
    scores = np.concatenate([f[2] for f in found])
    return ssd.weighted_nms(boxes, kps, scores, config.nms_iou)


def face_floor(config: AnalysisConfig, width: int, height: int) -> float:
    """The smallest face (box side, pixels) searched for in a ``width x height`` image: ``config.min_face_px``, or
    ``config.min_face_share`` of the longer side where that is more."""
    return max(float(config.min_face_px), config.min_face_share * max(width, height))


def _shrink(image: np.ndarray, factor: float) -> np.ndarray:
    """``image`` area-averaged by ``factor`` (<= 1); the image itself when 1."""
    if factor >= 1.0:
        return image
    h, w = image.shape[:2]
    return cv2.resize(image, (max(1, round(w * factor)), max(1, round(h * factor))), interpolation=cv2.INTER_AREA)


def detect_faces(image: np.ndarray, models: FaceMeshModels, config: AnalysisConfig) -> list[Detection]:
    """Every face in the image, best first, at any in-plane rotation.

    The detector is run upright and with the image turned by each angle of
    ``config.rotation_search`` (see :func:`_detect_at` for which views run). BlazeFace finds faces
    rolled far from upright but mislabels their keypoints, so where views overlap the detection with the best score wins: it comes from the view
    in which that face is closest to upright, and its eye keypoints give the roll reliably.

    Args:
        image: ``(H, W, 3) uint8`` sRGB.

    Returns:
        Detections (possibly empty), at most ``config.max_faces``; boxes smaller than
        ``config.min_face_px / 2`` are dropped.
    """
    check_image(image)
    small = _shrink(image, WORKING_SIZE / max(image.shape[:2]))
    per_angle = [_detect_at(image, small, degrees, models, config) for degrees in (0, *config.rotation_search)]
    boxes = np.concatenate([a[0] for a in per_angle])
    kps = np.concatenate([a[1] for a in per_angle])
    scores = np.concatenate([a[2] for a in per_angle])
    sides = np.minimum(boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1])
    alive = sides >= config.min_face_px / 2
    dets = []
    for i in np.argsort(-scores):
        if alive[i]:
            dets.append(Detection(boxes[i], kps[i], float(scores[i])))
            alive &= ssd.iou(boxes[i], boxes) <= config.nms_iou
    return dets[: config.max_faces]


def detection_region(det: Detection, scale: float) -> FaceRegion:
    """The rotated square the mesh model is run on: eye line level, ``scale`` x the box's long side.

    The box comes from an axis-aligned detector; its long side is measured in the face's own frame
    (the box corners rotated by the eye-line angle bound the face loosely, so the shorter of the two
    estimates is used).
    """
    right_eye, left_eye = det.keypoints[0].astype(np.float64), det.keypoints[1].astype(np.float64)
    angle = math.atan2(left_eye[1] - right_eye[1], left_eye[0] - right_eye[0])
    centre = (det.box[:2] + det.box[2:]).astype(np.float64) / 2.0
    w, h = float(det.box[2] - det.box[0]), float(det.box[3] - det.box[1])
    c, s = abs(math.cos(angle)), abs(math.sin(angle))
    # An upright w0 x h0 face box, rolled by angle, has axis-aligned bounds (w0 c + h0 s, w0 s + h0 c).
    side = max(w, h) if c > 0.9 or s > 0.9 else max(w, h) / (c + s)
    return FaceRegion(centre, side * scale, angle)
