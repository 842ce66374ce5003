"""The 468-point face mesh: run MediaPipe's landmark model on a rotated face crop, and crop from landmarks."""

from __future__ import annotations

import math

import numpy as np

from ned_core.analysis import crop
from ned_core.analysis.litert_runner import LiteRTModel
from ned_core.analysis.types import NUM_MESH, FaceRegion

# a face reads turned when the mesh's yaw (yaw_angle) is at least this; a hand sweeping over a frontal face
# makes the mesh read 19-27 degrees in a single frame (either side, the frame before read <= 6), a turning
# head reads it over many frames
TURNED_YAW = math.radians(15.0)

MESH_INPUT = 192
RIGHT_EYE_OUTER, LEFT_EYE_OUTER = 33, 263  # subject's right / left eye outer corners (mesh indices)
RIGHT_CHEEK_EDGE, LEFT_CHEEK_EDGE = 234, 454  # the face contour's outermost points at eye level


def run_mesh(image: np.ndarray, region: FaceRegion, model: LiteRTModel) -> tuple[np.ndarray, float]:
    """Dense landmarks of the face inside ``region``.

    Args:
        image: ``(H, W, 3) uint8`` sRGB.
        region: rotated square around the face, eye line level after rotation.
        model: the ``face_landmark`` model (192x192 input in 0..1).

    Returns:
        landmarks ``(468, 3) float32`` (x, y image pixels, z relative depth in image pixels) and the
        face-presence probability (0..1).
    """
    view = crop.region_matrix(region, MESH_INPUT)
    pixels = crop.warp(image, view, (MESH_INPUT, MESH_INPUT)).astype(np.float32) * (1.0 / 255.0)
    raw, logit = model.run(pixels)
    pts = raw.reshape(NUM_MESH, 3)
    out = np.empty((NUM_MESH, 3), dtype=np.float32)
    out[:, :2] = crop.apply_affine(crop.invert_affine(view), pts[:, :2].astype(np.float64) - 0.5)
    out[:, 2] = pts[:, 2] * (region.size / MESH_INPUT)
    presence = 1.0 / (1.0 + math.exp(-float(np.clip(logit.ravel()[0], -80, 80))))
    return out, presence


def roll_angle(landmarks: np.ndarray) -> float:
    """In-plane rotation (radians) of the eye line, subject's right to left outer eye corner (0 = upright)."""
    d = landmarks[LEFT_EYE_OUTER, :2].astype(np.float64) - landmarks[RIGHT_EYE_OUTER, :2]
    return math.atan2(d[1], d[0])


def yaw_angle(landmarks: np.ndarray) -> float:
    """Head turn about the vertical (radians, 0 = facing the camera, the sign tells the side), read from the
    mesh's depth at the two ends of the face contour; it under-reads large turns (a 50-degree turn of the test
    footage reads about 30 degrees), which is enough to tell a turning head from a frontal one."""
    right, left = landmarks[RIGHT_CHEEK_EDGE].astype(np.float64), landmarks[LEFT_CHEEK_EDGE].astype(np.float64)
    return math.atan2(left[2] - right[2], float(np.hypot(*(left[:2] - right[:2]))))


def turned_side(landmarks: np.ndarray) -> int:
    """-1 or +1 when the mesh ``(N >= 468, 3)`` reads the head turned by at least :data:`TURNED_YAW` to that side
    (:func:`yaw_angle`), else 0 (facing the camera)."""
    yaw = yaw_angle(landmarks)
    return 0 if abs(yaw) < TURNED_YAW else (1 if yaw > 0 else -1)


def landmarks_region(landmarks: np.ndarray, scale: float) -> FaceRegion:
    """The rotated square to run the mesh on next frame, from this frame's landmarks.

    The mesh points are measured in the face's own (eye-level) frame, so the square fits the face
    equally well at any roll.

    Args:
        landmarks: ``(N >= 468, 3)`` in image pixels.
        scale: square side as a multiple of the landmarks' longer extent (MediaPipe uses 1.5).
    """
    angle = roll_angle(landmarks)
    c, s = math.cos(angle), math.sin(angle)
    to_face = np.array([[c, s], [-s, c]])
    local = landmarks[:NUM_MESH, :2].astype(np.float64) @ to_face.T
    lo, hi = local.min(axis=0), local.max(axis=0)
    centre = to_face.T @ ((lo + hi) / 2.0)
    return FaceRegion(centre, float(np.max(hi - lo)) * scale, angle)


def mesh_box(landmarks: np.ndarray) -> np.ndarray:
    """``(4,) float32`` axis-aligned bounds x0, y0, x1, y1 of the 468 mesh points."""
    xy = landmarks[:NUM_MESH, :2]
    return np.concatenate([xy.min(axis=0), xy.max(axis=0)]).astype(np.float32)
