"""Head pose per frame: weighted 3D similarity Procrustes of a rest shape onto each frame's landmarks."""

from __future__ import annotations

import numpy as np
from scipy.ndimage import gaussian_filter1d

from ned_core.analysis.procrustes import similarity_transform
from ned_core.face3d.types import Pose


def fit_poses(source: np.ndarray, target: np.ndarray, weights: np.ndarray, scale_smoothing: float = 0.0) -> Pose:
    """Per-frame least-squares similarity taking ``source`` onto ``target`` (Umeyama, no reflection).

    With ``scale_smoothing > 0`` the scale is then low-passed over frames (Gaussian, sigma in
    frames) and each translation re-solved so that the weighted centroid of ``source`` still
    lands on that of the frame.

    Args:
        source: ``(N, 3)`` template-space points.
        target: ``(T, N, 3)`` image-space points.
        weights: ``(N,)`` non-negative point weights (at least three non-collinear points > 0).
        scale_smoothing: Gaussian sigma in frames, 0 for none.

    Returns:
        The :class:`Pose` of each of the ``T`` frames.
    """
    frames = np.asarray(target, np.float64)
    maps = np.stack([similarity_transform(source, frame, weights) for frame in frames])
    scale = np.linalg.norm(maps[:, :, 0], axis=1)  # columns of s * R have length s
    rotation = maps[:, :, :3] / scale[:, None, None]
    translation = maps[:, :, 3]
    if scale_smoothing > 0 and len(frames) > 1:
        w = np.asarray(weights, np.float64) / np.sum(weights)
        scale = gaussian_filter1d(scale, scale_smoothing, mode="nearest")
        centroid = np.einsum("n,tnk->tk", w, frames)
        translation = centroid - scale[:, None] * (rotation @ (w @ np.asarray(source, np.float64)))
    return Pose(rotation, scale, translation)
