"""Least-squares similarity transform between corresponding point sets (Umeyama), any dimension."""

from __future__ import annotations

import numpy as np

from ned_core.exceptions import ShapeError


def similarity_transform(src: np.ndarray, dst: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """Least-squares similarity (rotation, uniform scale, translation; no reflection) taking src to dst.

    Umeyama's closed form, in any dimension D.

    Args:
        src, dst: ``(N, D)`` corresponding points.
        weights: optional ``(N,)`` non-negative point weights.

    Returns:
        ``(D, D + 1) float64`` M with ``dst ~ src @ M[:, :D].T + M[:, D]``.
    """
    if src.shape != dst.shape or src.ndim != 2:
        raise ShapeError("similarity_transform", "two equal (N, D) arrays", f"{src.shape} and {dst.shape}")
    w = np.ones(len(src)) if weights is None else np.asarray(weights, dtype=np.float64)
    w = w / w.sum()
    src, dst = src.astype(np.float64), dst.astype(np.float64)
    mu_s, mu_d = w @ src, w @ dst
    a, b = src - mu_s, dst - mu_d
    cov = (b * w[:, None]).T @ a
    u, sig, vt = np.linalg.svd(cov)
    d = np.ones(len(sig))
    d[-1] = np.sign(np.linalg.det(u) * np.linalg.det(vt)) or 1.0
    rot = (u * d) @ vt
    var = float((w * (a**2).sum(axis=1)).sum())
    scale = float((sig * d).sum()) / max(var, 1e-12)
    lin = scale * rot
    return np.hstack([lin, (mu_d - lin @ mu_s)[:, None]])
