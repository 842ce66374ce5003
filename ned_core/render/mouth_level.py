"""A smile taken away also takes away its curve: mouth corners brought down to the resting level.

The face model's smile unit lowers the corners by its own amplitude, but a broad smile carries more curve
than the unit explains (the rest lies in the fit's unexplained detail, which the target keeps): made
neutral or angry, the astronaut's closed lips still rise into a U at the corners, and that outline is what
an observer (and a classifier) reads as a smile. Where the directed expression removes smile, each mouth
corner is brought down toward the height below the upper lip's middle that the mean face's resting mouth
has, in proportion to the smile removed, with a smooth falloff over the skin around it (cheek, chin, the
lips' own points); a mouth already at or below that level is left alone.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ned_core.analysis.mean_face import load_mean_face
from ned_core.render.mouth_index import template_from_image

CORNERS = (61, 291)  # outer-lip mouth corners (subject's right, left)
UPPER_LIP_TOP = 0  # the upper lip's middle, outer edge
FALLOFF_IOD = 0.22  # Gaussian radius of a corner's move over the face, IOD
FULL_REMOVAL = 0.5  # smile units removed (mean of both lip_corner_pull channels) for the full levelling
NUM_MESH = 468


@lru_cache(maxsize=1)
def resting_drop() -> float:
    """How far (IOD, down) the mean face's mouth corners sit below its upper lip's middle."""
    face = load_mean_face()[:, :2].astype(np.float64)
    m = template_from_image(face)
    pts = face @ m[:, :2].T + m[:, 2]
    return float(pts[list(CORNERS), 1].mean() - pts[UPPER_LIP_TOP, 1])


def level_corners(dst: np.ndarray, removed: np.ndarray) -> np.ndarray:
    """``dst`` with the mouth corners of each frame lowered toward the resting level (module docstring).

    Args:
        dst: ``(T, N >= 468, 3)`` target landmarks, frame pixels.
        removed: ``(T,)`` smile removed by the edit (source minus target lip_corner_pull, mean of both sides);
            <= 0 leaves the frame unchanged.

    Returns:
        ``(T, N, 3) float32`` (only the first 468 points move, in the image plane).

    Raises:
        ValueError: shapes do not match.
    """
    out = np.array(dst, np.float64)
    weight = np.clip(np.asarray(removed, np.float64) / FULL_REMOVAL, 0.0, 1.0)
    if out.ndim != 3 or out.shape[1] < NUM_MESH or weight.shape != (len(out),):
        raise ValueError(f"level_corners: dst {out.shape} must be (T, N >= {NUM_MESH}, 3), removed {weight.shape} (T,)")
    rest = resting_drop()
    for t in np.flatnonzero(weight > 0):
        m = template_from_image(out[t, :NUM_MESH, :2])
        pts = out[t, :NUM_MESH, :2] @ m[:, :2].T + m[:, 2]
        move = np.zeros(NUM_MESH)
        for corner in CORNERS:
            drop = weight[t] * max(rest - (pts[corner, 1] - pts[UPPER_LIP_TOP, 1]), 0.0)
            near = np.exp(-np.sum((pts - pts[corner]) ** 2, axis=1) / (2.0 * FALLOFF_IOD**2))
            move += drop * near
        moved = pts + np.stack([np.zeros(NUM_MESH), move], axis=1)
        out[t, :NUM_MESH, :2] += (moved - pts) @ np.linalg.inv(m[:, :2]).T
    return out.astype(np.float32)
