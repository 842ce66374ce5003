"""Speech preservation: mouth opening, its Pearson correlation, speech frames and lip-landmark error.

Landmarks are MediaPipe Face Mesh points (``(T, N >= 468, 2|3)``, image pixels, as the analysis
stage returns them). Distances are in inter-ocular units (outer eye corners 33 and 263), so they
do not depend on resolution or face size.
"""

from __future__ import annotations

import numpy as np

from ned_core.analysis.mesh import LEFT_EYE_OUTER, RIGHT_EYE_OUTER
from ned_core.exceptions import MetricUndefinedError, ShapeError
from ned_core.guards import check_landmarks, check_signal

# Face Mesh lip points: the vertices of mediapipe's FACEMESH_LIPS (outer then inner contour),
# from mediapipe/python/solutions/face_mesh_connections.py (Apache-2.0).
LIP_POINTS: tuple[int, ...] = (
    61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291, 185, 40, 39, 37, 0, 267, 269, 270, 409,
    78, 95, 88, 178, 87, 14, 317, 402, 318, 324, 308, 191, 80, 81, 82, 13, 312, 311, 310, 415,
)
INNER_LIP_UPPER, INNER_LIP_LOWER = 13, 14  # mid points of the inner lip contour
MESH_POINTS = 468


def inter_ocular(landmarks: np.ndarray) -> np.ndarray:
    """Outer-eye-corner distance per frame.

    Args:
        landmarks: ``(T, N >= 468, 2|3)`` image pixels.

    Returns:
        ``(T,) float64`` pixels.

    Raises:
        MetricUndefinedError: a frame has coincident eye corners (names the frame index).
    """
    pts = check_landmarks("landmarks", landmarks, MESH_POINTS)
    iod = np.linalg.norm(pts[:, LEFT_EYE_OUTER] - pts[:, RIGHT_EYE_OUTER], axis=-1)
    bad = np.flatnonzero(~(iod > 0))
    if bad.size:
        raise MetricUndefinedError(f"inter-ocular distance is zero at frame index {int(bad[0])}")
    return iod


def mouth_opening(landmarks: np.ndarray) -> np.ndarray:
    """Inner-lip gap (points 13 to 14) per frame, in inter-ocular units.

    Args:
        landmarks: ``(T, N >= 468, 2|3)`` image pixels.

    Returns:
        ``(T,) float64``; about 0 with the lips closed, 0.2-0.5 when speaking wide.
    """
    pts = check_landmarks("landmarks", landmarks, MESH_POINTS)
    gap = np.linalg.norm(pts[:, INNER_LIP_LOWER] - pts[:, INNER_LIP_UPPER], axis=-1)
    return gap / inter_ocular(landmarks)


def mouth_centre(landmarks: np.ndarray) -> np.ndarray:
    """Centroid of the 40 lip points per frame (the MAPD window centre).

    Returns:
        ``(T, 2) float64`` x, y in pixels.
    """
    pts = check_landmarks("landmarks", landmarks, MESH_POINTS)
    return pts[:, list(LIP_POINTS)].mean(axis=1)


def pearson(a: np.ndarray, b: np.ndarray) -> float:
    """Pearson correlation of two ``(T,)`` signals (the paper's mouth-loss ρ, used here as a metric).

    Raises:
        MetricUndefinedError: fewer than 2 samples, or a signal is constant (no mouth motion).
    """
    a, b = check_signal("a", a), check_signal("b", b)
    if a.shape != b.shape:
        raise ShapeError("pearson", "two signals of one length", f"{a.shape} and {b.shape}")
    if a.size < 2:
        raise MetricUndefinedError(f"Pearson correlation needs at least 2 frames, got {a.size}")
    da, db = a - a.mean(), b - b.mean()
    na, nb = np.sqrt(da @ da), np.sqrt(db @ db)
    for name, norm, sig in (("first", na, a), ("second", nb, b)):
        if norm <= 1e-12 * max(1.0, float(np.abs(sig).max())):
            raise MetricUndefinedError(
                f"Pearson correlation is undefined: the {name} signal is constant ({sig[0]:.4g} in every frame), "
                "e.g. a shot where the mouth never moves"
            )
    return float(np.clip(da @ db / (na * nb), -1.0, 1.0))


def speech_frames(opening: np.ndarray, open_threshold: float, motion_threshold: float) -> np.ndarray:
    """Frames where the source mouth is open or moving: where lip motion must be preserved.

    A frame is a speech frame when its opening exceeds the shot's closed-mouth level (the 10th
    percentile of the opening) by more than ``open_threshold``, or when the opening changes by
    more than ``motion_threshold`` per frame (central difference, one-sided at the ends).

    Args:
        opening: ``(T,)`` source mouth opening, inter-ocular units (:func:`mouth_opening`).
        open_threshold, motion_threshold: inter-ocular units (see ``EvalConfig``).

    Returns:
        ``(T,) bool``.
    """
    opening = check_signal("opening", opening)
    rest = np.percentile(opening, 10)
    is_open = opening - rest > open_threshold
    if opening.size < 2:
        return is_open
    return is_open | (np.abs(np.gradient(opening)) > motion_threshold)


def lip_landmark_error(source: np.ndarray, result: np.ndarray) -> np.ndarray:
    """Mean distance between the source's and the result's 40 lip points, per frame.

    Normalised by the source's inter-ocular distance. Pass only the speech frames
    (``source[speech]``) to measure lip-sync preservation; an emotion edit legitimately moves the
    lips at rest (a smile), so non-speech frames are not counted in ``ned eval``.

    Args:
        source, result: ``(T, N >= 468, 2|3)`` image pixels.

    Returns:
        ``(T,) float64`` inter-ocular units.
    """
    src = check_landmarks("source landmarks", source, MESH_POINTS)
    res = check_landmarks("result landmarks", result, MESH_POINTS)
    if src.shape[0] != res.shape[0]:
        raise ShapeError("result landmarks", f"{src.shape[0]} frames", res.shape[0])
    lips = list(LIP_POINTS)
    dist = np.linalg.norm(src[:, lips] - res[:, lips], axis=-1).mean(axis=1)
    return dist / inter_ocular(source)
