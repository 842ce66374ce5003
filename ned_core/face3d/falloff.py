"""Smooth weight functions that shape the action units' displacement fields (all C1, most compact)."""

from __future__ import annotations

import numpy as np


def smoothstep(edge0: float, edge1: float, value: np.ndarray) -> np.ndarray:
    """0 below ``edge0``, 1 above ``edge1`` (either order), cubic Hermite in between."""
    u = np.clip((np.asarray(value, np.float64) - edge0) / (edge1 - edge0), 0.0, 1.0)
    return u * u * (3.0 - 2.0 * u)


def bump(points: np.ndarray, centre: np.ndarray, radii: float | np.ndarray) -> np.ndarray:
    """Compact bump ``(1 - r^2)^3`` of the (ellipsoidal) normalised distance ``r``; exactly 0 for ``r >= 1``.

    Args:
        points: ``(N, 3)`` template-space points.
        centre: ``(3,)`` where the weight is 1.
        radii: one radius or ``(3,)`` per-axis radii (IOD).

    Returns:
        ``(N,) float64`` weights in 0..1.
    """
    r2 = np.sum(((points - centre) / radii) ** 2, axis=1)
    return np.clip(1.0 - r2, 0.0, None) ** 3


def side_gate(x: np.ndarray, sign: float, width: float = 0.08) -> np.ndarray:
    """1 on the ``sign`` side of the midline, 0 on the other, a smooth ramp over ``width`` from the midline."""
    return smoothstep(0.0, width, sign * x)


def band_below(value: np.ndarray, level: np.ndarray | float, width: float) -> np.ndarray:
    """1 at and below (``value <= level``) a level, falling smoothly to 0 at ``level + width``."""
    return 1.0 - smoothstep(0.0, width, np.asarray(value) - level)
