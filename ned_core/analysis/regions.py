"""Semantic index sets of the 468-point MediaPipe face mesh (face oval, lips, eyes, brows, irises).

The indices are facts taken from MediaPipe's ``mediapipe/python/solutions/face_mesh_connections.py``
(Copyright The MediaPipe Authors, Apache License 2.0), where they are given as edge sets; here each
closed contour is written as an ordered loop (a polygon fill can use it directly), open contours
(brows) as ordered polylines.

"Right"/"left" are the SUBJECT's sides, as in MediaPipe: the subject's right eye is on the image's
left in an unmirrored upright photo. Iris indices refer to the 478-point layout (468 mesh + 10 iris).
"""

from __future__ import annotations

import numpy as np

# Closed loops, clockwise on screen for an upright face, starting at the top of the forehead.
FACE_OVAL = (10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377,
             152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109)
# Lips: loops starting at the subject's right mouth corner (61 outer, 78 inner), lower lip first.
LIPS_OUTER = (61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291, 409, 270, 269, 267, 0, 37, 39, 40, 185)
LIPS_INNER = (78, 95, 88, 178, 87, 14, 317, 402, 318, 324, 308, 415, 310, 311, 312, 13, 82, 81, 80, 191)
# Eyes: loops starting at the corner on the image's left (33 outer / 362 inner), lower lid first.
RIGHT_EYE = (33, 7, 163, 144, 145, 153, 154, 155, 133, 173, 157, 158, 159, 160, 161, 246)
LEFT_EYE = (362, 382, 381, 380, 374, 373, 390, 249, 263, 466, 388, 387, 386, 385, 384, 398)
# Brows: lower and upper edge polylines, each from the outer end to the inner end for the right
# brow (46 -> 55, 70 -> 107) and from the outer end to the inner end for the left (276 -> 285, 300 -> 336).
RIGHT_BROW_LOWER = (46, 53, 52, 65, 55)
RIGHT_BROW_UPPER = (70, 63, 105, 66, 107)
LEFT_BROW_LOWER = (276, 283, 282, 295, 285)
LEFT_BROW_UPPER = (300, 293, 334, 296, 336)
RIGHT_BROW = RIGHT_BROW_UPPER + tuple(reversed(RIGHT_BROW_LOWER))  # closed outline
LEFT_BROW = LEFT_BROW_UPPER + tuple(reversed(LEFT_BROW_LOWER))
# Irises (478-point layout): centre, then four edge points: nose side, top, outer side, bottom.
RIGHT_IRIS_CENTRE, RIGHT_IRIS = 468, (469, 470, 471, 472)
LEFT_IRIS_CENTRE, LEFT_IRIS = 473, (474, 475, 476, 477)

REGIONS: dict[str, tuple[int, ...]] = {
    "face_oval": FACE_OVAL,
    "lips_outer": LIPS_OUTER,
    "lips_inner": LIPS_INNER,
    "right_eye": RIGHT_EYE,
    "left_eye": LEFT_EYE,
    "right_brow": RIGHT_BROW,
    "left_brow": LEFT_BROW,
    "right_iris": RIGHT_IRIS,
    "left_iris": LEFT_IRIS,
}


def polygon(landmarks: np.ndarray, name: str) -> np.ndarray:
    """The ``(K, 2) float32`` outline of region ``name`` (a key of :data:`REGIONS`) from ``(N, >=2)`` landmarks."""
    return np.asarray(landmarks)[list(REGIONS[name]), :2].astype(np.float32)


def eye_centres(landmarks: np.ndarray) -> np.ndarray:
    """Centres of the subject's right and left eye contours: ``(..., 2, D)`` from ``(..., N >= 468, D)``."""
    lm = np.asarray(landmarks)
    return np.stack([lm[..., list(RIGHT_EYE), :].mean(axis=-2), lm[..., list(LEFT_EYE), :].mean(axis=-2)], axis=-2)


def interocular_distance(landmarks: np.ndarray) -> np.ndarray:
    """Image-plane distance between the eye-contour centres: ``(...)`` from ``(..., N >= 468, >=2)`` landmarks."""
    eyes = eye_centres(np.asarray(landmarks)[..., :2])
    return np.linalg.norm(eyes[..., 1, :] - eyes[..., 0, :], axis=-1)
