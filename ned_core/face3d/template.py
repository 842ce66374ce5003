"""Template space: the mean face moved to eye-midpoint origin, eyes along +x, inter-ocular distance 1."""

from __future__ import annotations

import numpy as np

from ned_core.analysis.mean_face import mirror_indices
from ned_core.analysis.regions import FACE_OVAL, eye_centres
from ned_core.exceptions import TemplateError

NUM_VERTICES = 468
_FLIP_X = np.array([-1.0, 1.0, 1.0])


def to_template_space(points: np.ndarray) -> np.ndarray:
    """Move an upright, frontal face into template space, exactly left/right symmetric.

    Origin midway between the eye-contour centres; x from the subject's right eye centre to the
    left one; y the input's y made orthogonal to x (down the face); z = x cross y (away from the
    camera); unit = the inter-ocular distance. The result is averaged with its mirror image
    (partners from :func:`ned_core.analysis.mean_face.mirror_indices`).

    Args:
        points: ``(468, 3)`` float mesh points with y down and z away from the camera (MediaPipe's
            convention, e.g. :func:`ned_core.analysis.mean_face.load_mean_face` or image pixels).

    Returns:
        ``(468, 3) float64`` points in template space.

    Raises:
        TemplateError: wrong shape, non-finite values, or a mirrored face (outline in front of the middle).
    """
    pts = np.asarray(points, np.float64)
    if pts.shape != (NUM_VERTICES, 3) or not np.all(np.isfinite(pts)):
        raise TemplateError(f"face template: expected finite (468, 3) points, got {pts.shape}")
    right, left = eye_centres(pts)
    x_axis = left - right
    iod = float(np.linalg.norm(x_axis))
    x_axis /= iod
    y_axis = np.array([0.0, 1.0, 0.0]) - x_axis[1] * x_axis
    y_axis /= np.linalg.norm(y_axis)
    frame = np.stack([x_axis, y_axis, np.cross(x_axis, y_axis)])
    out = (pts - 0.5 * (left + right)) @ frame.T / iod
    if out[list(FACE_OVAL), 2].mean() <= out[:, 2].mean():
        raise TemplateError("face template: the face outline is not behind the face; the face is mirrored or flat")
    return 0.5 * (out + out[mirror_indices(out)] * _FLIP_X)
