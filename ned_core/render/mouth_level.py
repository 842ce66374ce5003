"""A smile taken away also takes away its curve: mouth corners brought down to the resting level.

The face model's smile unit lowers the corners by its own amplitude, but a broad smile carries more curve
than the unit explains (the rest lies in the fit's unexplained detail, which the target keeps): made
neutral or angry, the astronaut's closed lips still rise into a U at the corners, and that outline is what
an observer (and a classifier) reads as a smile. Where the directed expression removes smile, each mouth
corner is brought down toward the height below the upper lip's middle that the mean face's resting mouth
has, in proportion to the smile removed, with a smooth falloff over the skin around it (cheek, chin, the
lips' own points); a mouth already at or below that level is left alone. The corners reach the level
exactly: the falloff lowers the upper lip's middle too (by ~11 % of each corner's drop), which the drops
make up for.

The level is the resting one plus what the target itself lowers the corners by (the face model's corner
drop relative to the upper lip's middle, edited vs the actor's rest shape: AU15/AU17 of a sad target). Without
that, levelling a broad smile to rest absorbs the target's own depression: the astronaut made sad ended with
level corners (fer p(sad) 0.02) instead of corners below the lip line.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ned_core.analysis.mean_face import load_mean_face
from ned_core.analysis.types import NUM_MESH
from ned_core.render.mouth_index import template_from_image

CORNERS = (61, 291)  # outer-lip mouth corners (subject's right, left)
UPPER_LIP_TOP = 0  # the upper lip's middle, outer edge
FALLOFF_IOD = 0.22  # Gaussian radius of a corner's move over the face, IOD
FULL_REMOVAL = 0.5  # smile units removed (mean of both lip_corner_pull channels) for the full levelling


@lru_cache(maxsize=1)
def resting_drop() -> float:
    """How far (IOD, down) the mean face's mouth corners sit below its upper lip's middle."""
    face = load_mean_face()[:, :2].astype(np.float64)
    m = template_from_image(face)
    pts = face @ m[:, :2].T + m[:, 2]
    return float(pts[list(CORNERS), 1].mean() - pts[UPPER_LIP_TOP, 1])


def corner_falloff(pts: np.ndarray) -> np.ndarray:
    """``(2, 468)`` how much of each mouth corner's move each of the ``(468, 2)`` template-space points takes
    (Gaussian of radius ``FALLOFF_IOD`` about the corner: 1 at the corner, fading over cheek, chin and lips)."""
    return np.exp(-np.sum((pts[None] - pts[list(CORNERS)][:, None]) ** 2, axis=2) / (2.0 * FALLOFF_IOD**2))


def level_corners(dst: np.ndarray, removed: np.ndarray, depressed: np.ndarray | None = None) -> np.ndarray:
    """``dst`` with the mouth corners of each frame lowered toward the resting level (module docstring).

    Args:
        dst: ``(T, N >= 468, 3)`` target landmarks, frame pixels.
        removed: ``(T,)`` smile removed by the edit (source minus target lip_corner_pull, mean of both sides);
            <= 0 leaves the frame unchanged.
        depressed: ``(T,)`` how far (IOD, down, >= 0) the target itself puts the corners below the resting
            level (None: 0); the corners are levelled to ``resting level + depressed``.

    Returns:
        ``(T, N, 3) float32`` (only the first 468 points move, in the image plane).

    Raises:
        ValueError: shapes do not match.
    """
    out = np.array(dst, np.float64)
    weight = np.clip(np.asarray(removed, np.float64) / FULL_REMOVAL, 0.0, 1.0)
    extra = np.zeros(len(out)) if depressed is None else np.maximum(np.asarray(depressed, np.float64), 0.0)
    if out.ndim != 3 or out.shape[1] < NUM_MESH or weight.shape != (len(out),) or extra.shape != (len(out),):
        raise ValueError(f"level_corners: dst {out.shape} must be (T, N >= {NUM_MESH}, 3), removed {weight.shape} "
                         f"and depressed {extra.shape} (T,)")
    for t in np.flatnonzero(weight > 0):
        m = template_from_image(out[t, :NUM_MESH, :2])
        pts = out[t, :NUM_MESH, :2] @ m[:, :2].T + m[:, 2]
        near = corner_falloff(pts)
        gap = np.array([weight[t] * max(resting_drop() + extra[t] - (pts[c, 1] - pts[UPPER_LIP_TOP, 1]), 0.0)
                        for c in CORNERS])
        # the falloff also lowers the upper lip's middle (by a = near[:, UPPER_LIP_TOP] of each corner's drop), so
        # each corner drops gap + a.drop: solved exactly (Sherman-Morrison), not 70-80 % of the way as a plain falloff
        a = near[:, UPPER_LIP_TOP]
        drops = gap + float(a @ gap) / (1.0 - float(a.sum()))
        move = drops @ near
        moved = pts + np.stack([np.zeros(NUM_MESH), move], axis=1)
        out[t, :NUM_MESH, :2] += (moved - pts) @ np.linalg.inv(m[:, :2]).T
    return out.astype(np.float32)
