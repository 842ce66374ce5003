"""Geometric median of points by Weiszfeld's iteration (with Vardi and Zhang's fix at data points)."""

from __future__ import annotations

import numpy as np

from ned_core.exceptions import GeometricMedianError, ShapeError


def geometric_median(points: np.ndarray, tol: float = 1e-6, max_iter: int = 1000) -> np.ndarray:
    """The point minimising the sum of Euclidean distances to ``points``.

    Weiszfeld's iteration starts at the mean and moves to the inverse-distance-weighted mean.
    When the estimate sits on data points, Vardi and Zhang's rule (Y. Vardi, C.-H. Zhang, "The
    multivariate L1-median and associated data depth", PNAS 97(4), 2000) either stops there (the
    pull of the other points is weaker than those points' share) or steps off it.

    Args:
        points: ``(M, D)`` float array, M >= 1.
        tol: stop when an iteration moves the estimate less than ``tol`` (Euclidean norm, in the
            points' units).
        max_iter: iterations before giving up.

    Returns:
        ``(D,)`` float64 geometric median.

    Raises:
        ShapeError: ``points`` is not a non-empty 2-D array.
        GeometricMedianError: no convergence within ``max_iter`` iterations.
    """
    points = np.asarray(points, dtype=np.float64)
    if points.ndim != 2 or points.shape[0] == 0:
        raise ShapeError("geometric_median", "points (M >= 1, D)", points.shape)
    estimate = points.mean(axis=0)
    scale = max(float(np.abs(points).max()), 1.0)
    for _ in range(max_iter):
        distances = np.linalg.norm(points - estimate, axis=1)
        apart = distances > 1e-12 * scale
        coincident = points.shape[0] - int(apart.sum())
        if coincident == points.shape[0]:
            return estimate
        inverse = 1.0 / distances[apart]
        weighted_mean = inverse @ points[apart] / inverse.sum()
        if coincident:
            pull = np.linalg.norm(inverse @ (points[apart] - estimate))
            if pull <= coincident:
                return estimate
            share = coincident / pull
            step = (1.0 - share) * weighted_mean + share * estimate
        else:
            step = weighted_mean
        if np.linalg.norm(step - estimate) < tol:
            return step
        estimate = step
    raise GeometricMedianError(
        f"geometric median of {points.shape[0]} points did not converge to {tol} within {max_iter} iterations"
    )
