"""Eye interiors move rigidly with their eye instead of being stretched across the lid triangles."""

from __future__ import annotations

import numpy as np

from ned_core.analysis.mask import polygon_mask
from ned_core.analysis.procrustes import similarity_transform
from ned_core.analysis.regions import RIGHT_EYE, interocular_distance
from ned_core.render import RenderConfig, render_mesh_warp
from ned_core.render.warp import remap


def _opened_eye(landmarks: np.ndarray, px: float) -> np.ndarray:
    """Target with the upper lid of the subject's right eye raised by ``px`` (contour's upper half)."""
    dst = landmarks.copy()
    upper = list(RIGHT_EYE[9:])  # 173 .. 246: the upper lid, inner to outer corner
    dst[upper, 1] -= px
    return dst


def test_eye_interior_is_a_similarity_of_the_source_eye(astronaut_face) -> None:
    frame, lm = astronaut_face
    dst = _opened_eye(lm, 0.06 * float(interocular_distance(lm)))
    out = render_mesh_warp(1, frame, lm, dst, RenderConfig()).paste(frame)
    # deep inside the target eye, the output is the source sampled through the eye's similarity
    eye = list(RIGHT_EYE)
    inside = polygon_mask(dst[eye, :2], frame.shape[:2], 3.0).full(frame.shape[:2]) >= 1.0
    assert inside.sum() > 20
    m = similarity_transform(dst[eye, :2].astype(np.float64), lm[eye, :2].astype(np.float64))
    ys, xs = np.nonzero(inside)
    sx = (m[0, 0] * xs + m[0, 1] * ys + m[0, 2]).astype(np.float32)[None]
    sy = (m[1, 0] * xs + m[1, 1] * ys + m[1, 2]).astype(np.float32)[None]
    rigid = remap(frame, sx, sy)[0]
    np.testing.assert_allclose(out[inside], rigid, atol=2e-3)
    # the similarity barely scales (the iris keeps its size) although the eye opening grew
    assert abs(np.sqrt(abs(np.linalg.det(m[:, :2]))) - 1.0) < 0.1


def test_eye_closing_covers_the_eye_with_lid_skin(astronaut_face) -> None:
    frame, lm = astronaut_face
    eye = list(RIGHT_EYE)
    dst = lm.copy()
    lower, upper = eye[1:8], eye[9:][::-1]  # matching points along the lower and upper lids
    dst[upper, 1] = lm[lower, 1] - 0.5  # upper lid down onto the lower lid
    out = render_mesh_warp(1, frame, lm, dst, RenderConfig()).paste(frame)
    iris = np.round(lm[468, :2]).astype(int)
    before = frame[iris[1] - 1 : iris[1] + 2, iris[0] - 1 : iris[0] + 2].mean()
    after = out[iris[1] - 1 : iris[1] + 2, iris[0] - 1 : iris[0] + 2].mean()
    skin = frame[np.round(lm[159, 1]).astype(int) - 4, np.round(lm[159, 0]).astype(int)].mean()  # above the lid
    assert abs(after - skin) < abs(before - skin)  # the dark iris is gone, skin-like pixels cover it
