"""How far the lip corners and brows moved in an edited clip, measured on the pixels, in IOD along the face's axes.

The face mesh re-reads brow edits at a few percent of their size, so both the product's and the Gaussian baseline's
results are measured the same way: a patch around each feature of the source frame is found again in the result
(:func:`ned_core.evaluate.patch_motion.patch_motion`), its motion projected on the face's up and outward axes.
A match is kept only when it is consistent: not at the search window's edge, and the result's patch there, looked
for back in the source, lands within :data:`BACK_TOLERANCE_IOD` of where it started (a patch whose content left the
window, or that a held spectacle rim split, finds some look-alike: on the astronaut shifted past the window, 5 of 6
such look-alikes fail the check; the Gaussian warps of sad/angry/surprised/happy at 1-2x keep all but one).
"""

from __future__ import annotations

import numpy as np

from benchkit.gauss_warp import BROW_INNER, BROW_MID, CORNERS, face_axes
from ned_core.evaluate.patch_motion import patch_motion

SEARCH_IOD = 0.3  # how far a patch is looked for, IOD (brows raised 0.15 IOD by AU1+2 at 1.5 stay well inside)
BACK_TOLERANCE_IOD = 0.03  # forward-backward disagreement above which a match is left out
# name -> (right and left landmark sets, patch half size (w, h) in IOD)
FEATURES: dict[str, tuple[tuple[tuple[int, ...], tuple[int, ...]], tuple[float, float]]] = {
    "corner": (CORNERS, (0.08, 0.08)),
    "brow_in": (BROW_INNER, (0.12, 0.06)),
    "brow_mid": (BROW_MID, (0.12, 0.06)),
}


def consistent_motion(source: np.ndarray, result: np.ndarray, points: np.ndarray, half_size: tuple[int, int],
                      search: int, tolerance: float) -> np.ndarray:
    """``(N, 2)`` motion (pixels) of the patches at ``points`` from ``source`` to ``result`` (``(H, W, 3) uint8``),
    ``nan`` where the match is at the search window's edge or the backward match misses by over ``tolerance`` px."""
    points = np.round(np.asarray(points, np.float64).reshape(-1, 2))
    ahead = patch_motion(source, result, points, half_size, search)
    back = patch_motion(result, source, points + np.nan_to_num(ahead), half_size, search)
    bad = ~np.isfinite(ahead).all(axis=1) | (np.abs(ahead).max(axis=1) >= search - 1)
    bad |= ~(np.linalg.norm(back + ahead, axis=1) <= tolerance)
    ahead[bad] = np.nan
    return ahead


def feature_motion(source: np.ndarray, result: np.ndarray, landmarks: np.ndarray) -> dict[str, tuple[float, float]]:
    """Median motion (up, out) in IOD of each feature over frames and both sides.

    Args:
        source, result: ``(T, H, W, 3) uint8`` sRGB frames.
        landmarks: ``(T, N >= 468, >= 2)`` the source's landmarks (pixels).

    Returns:
        Feature name -> (up, out): up positive = raised on the face, out positive = away from the midline.
        ``nan`` where no patch was matched consistently (off the frame, moved out of reach).
    """
    found: dict[str, list[tuple[float, float]]] = {name: [] for name in FEATURES}
    for src, res, lm in zip(source, result, landmarks):
        up, across, iod = face_axes(lm)
        for name, ((right, left), (hw, hh)) in FEATURES.items():
            centres = np.array([lm[list(right), :2].mean(axis=0), lm[list(left), :2].mean(axis=0)])
            size = (max(2, round(hw * iod)), max(2, round(hh * iod)))
            moved = consistent_motion(src, res, centres, size, max(3, round(SEARCH_IOD * iod)),
                                      BACK_TOLERANCE_IOD * iod) / iod
            for sign, m in zip((-1.0, 1.0), moved):
                if np.all(np.isfinite(m)):
                    found[name].append((float(m @ up), float(sign * (m @ across))))
    return {name: tuple(np.median(np.array(v), axis=0)) if v else (float("nan"), float("nan"))
            for name, v in found.items()}
