"""Iris landmarks: crop each eye from the mesh, run MediaPipe's iris model, append 5 points per eye (468 -> 478).

Index convention (MediaPipe's, checked against the mesh on real faces): 468-472 are the iris of the
subject's RIGHT eye (the eye around mesh points 33/133, on the image's left in an unmirrored upright
photo), 468 its centre; 473-477 the subject's LEFT eye (around 362/263), 473 its centre. After
each centre come four iris-edge points: nose side, top, outer side, bottom. The model
was trained on one eye side: the subject's left eye crop is mirrored before inference.
"""

from __future__ import annotations

import math

import numpy as np

from ned_core.analysis import crop
from ned_core.analysis.litert_runner import LiteRTModel
from ned_core.analysis.types import NUM_LANDMARKS, NUM_MESH, FaceRegion

IRIS_INPUT = 64
EYE_CROP_SCALE = 2.3  # eye crop side / corner-to-corner distance (MediaPipe's iris graph)
# (outer-ish corner on the image left, corner on the image right, mirror the crop?) per eye
EYES = ((33, 133, False), (362, 263, True))  # subject's right eye, then left eye
RIGHT_EYE_CONTOUR = (33, 7, 163, 144, 145, 153, 154, 155, 133, 173, 157, 158, 159, 160, 161, 246)
LEFT_EYE_CONTOUR = (362, 382, 381, 380, 374, 373, 390, 249, 263, 466, 388, 387, 386, 385, 384, 398)


def eye_region(mesh: np.ndarray, corner_a: int, corner_b: int) -> FaceRegion:
    """Rotated square around one eye, centred between its corners, eye line level."""
    a, b = mesh[corner_a, :2].astype(np.float64), mesh[corner_b, :2].astype(np.float64)
    d = b - a
    return FaceRegion((a + b) / 2.0, max(float(np.hypot(*d)), 1.0) * EYE_CROP_SCALE, math.atan2(d[1], d[0]))


def run_iris(image: np.ndarray, mesh: np.ndarray, region: FaceRegion, mirror: bool,
             model: LiteRTModel) -> np.ndarray:
    """Five iris points (centre, then the iris edge: nose side, top, outer side, bottom) of one eye.

    Args:
        image: ``(H, W, 3) uint8``.
        mesh: ``(468, 3)`` landmarks in image pixels (for the depth of the eye).
        region: the eye crop from :func:`eye_region`.
        mirror: mirror the crop horizontally (the model expects one eye side).

    Returns:
        ``(5, 3) float32`` x, y image pixels, z in image pixels relative to the mesh.
    """
    view = crop.region_matrix(region, IRIS_INPUT)
    if mirror:  # x -> (size - 1) - x after the crop map
        view = np.array([[-1.0, 0.0, IRIS_INPUT - 1.0], [0.0, 1.0, 0.0]]) @ np.vstack([view, [0, 0, 1]])
    pixels = crop.warp(image, view, (IRIS_INPUT, IRIS_INPUT)).astype(np.float32) * (1.0 / 255.0)
    contour, iris = model.run(pixels)
    iris = iris.reshape(5, 3)
    contour = contour.reshape(-1, 3)
    out = np.empty((5, 3), dtype=np.float32)
    out[:, :2] = crop.apply_affine(crop.invert_affine(view), iris[:, :2].astype(np.float64) - 0.5)
    scale = region.size / IRIS_INPUT
    # Depth: the model's iris z relative to its own eye contour, added to the mesh's eye depth.
    contour_idx = RIGHT_EYE_CONTOUR if not mirror else LEFT_EYE_CONTOUR
    out[:, 2] = mesh[list(contour_idx), 2].mean() + (iris[:, 2] - contour[:16, 2].mean()) * scale
    return out


def add_iris(image: np.ndarray, mesh: np.ndarray, model: LiteRTModel | None) -> np.ndarray:
    """Extend 468 mesh points to 478 with both irises.

    Args:
        image: ``(H, W, 3) uint8``.
        mesh: ``(468, 3) float32`` in image pixels.
        model: the iris model, or None to place each iris at its eye-contour centre (no pupil tracking).

    Returns:
        ``(478, 3) float32``.
    """
    out = np.empty((NUM_LANDMARKS, 3), dtype=np.float32)
    out[:NUM_MESH] = mesh[:NUM_MESH]
    for k, ((a, b, mirror), contour) in enumerate(zip(EYES, (RIGHT_EYE_CONTOUR, LEFT_EYE_CONTOUR))):
        rows = slice(NUM_MESH + 5 * k, NUM_MESH + 5 * (k + 1))
        if model is None:
            out[rows] = mesh[list(contour)].mean(axis=0)
        else:
            out[rows] = run_iris(image, mesh, eye_region(mesh, a, b), mirror, model)
    return out
