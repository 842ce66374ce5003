"""Temporal smoothing of landmarks (One-Euro filter in face-size units) and a jitter measure."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from ned_core.analysis.config import AnalysisConfig
from ned_core.analysis.regions import interocular_distance
from ned_core.analysis.types import FaceTrack
from ned_core.exceptions import ShapeError


def _alpha(cutoff: np.ndarray | float, fps: float) -> np.ndarray | float:
    tau = 1.0 / (2.0 * math.pi * cutoff)
    return 1.0 / (1.0 + tau * fps)


def one_euro(values: np.ndarray, fps: float, min_cutoff: float, beta: float, d_cutoff: float) -> np.ndarray:
    """One-Euro filter (Casiez et al., CHI 2012) along axis 0, one adaptive cut-off per point.

    Each point's cut-off rises with its own filtered speed, so a point at rest is smoothed strongly
    while a fast-moving one (a head turn, the jaw while speaking) follows without lag.

    Args:
        values: ``(T, P, D) float`` P points of D coordinates; speed is the norm over D.
        fps: samples per second.
        min_cutoff: cut-off (Hz) at rest.
        beta: cut-off increase per unit of speed (units of ``values`` per second).
        d_cutoff: cut-off (Hz) of the speed estimate.

    Returns:
        ``(T, P, D) float64`` filtered values; row 0 equals the input.
    """
    if values.ndim != 3:
        raise ShapeError("one_euro", "(T, P, D) values", values.shape)
    x = values.astype(np.float64)
    out = np.empty_like(x)
    if len(x) == 0:
        return out
    out[0] = x[0]
    speed = np.zeros(x.shape[1:], dtype=np.float64)
    a_d = _alpha(d_cutoff, fps)
    for t in range(1, len(x)):
        speed += a_d * ((x[t] - out[t - 1]) * fps - speed)
        cutoff = min_cutoff + beta * np.linalg.norm(speed, axis=-1, keepdims=True)
        out[t] = out[t - 1] + _alpha(cutoff, fps) * (x[t] - out[t - 1])
    return out


def smooth_landmarks(landmarks: np.ndarray, config: AnalysisConfig) -> np.ndarray:
    """One-Euro smoothing of one continuous run of landmarks, in units of the face's size.

    Coordinates are divided by the (median) inter-ocular distance before filtering, so the filter
    settings mean the same at any resolution and face size.

    Args:
        landmarks: ``(T, N, 3)`` image pixels, consecutive frames.

    Returns:
        ``(T, N, 3) float32``.
    """
    unit = max(float(np.median(interocular_distance(landmarks))), 1e-6)
    filtered = one_euro(landmarks / unit, config.fps, config.smooth_min_cutoff, config.smooth_beta,
                        config.smooth_d_cutoff)
    return (filtered * unit).astype(np.float32)


def smooth_track(track: FaceTrack, config: AnalysisConfig) -> np.ndarray:
    """Smoothed ``(T, 478, 3) float32`` landmarks of a track, each run of consecutive frames filtered on its own."""
    out = np.empty_like(track.landmarks, dtype=np.float32)
    for rows in track.segments():
        out[rows] = smooth_landmarks(track.landmarks[rows], config)
    return out


def landmark_jitter(landmarks: np.ndarray, points: Sequence[int] | None = None) -> float:
    """RMS frame-to-frame image-plane motion of the landmarks, in % of the inter-ocular distance.

    On a static face this is pure jitter; compare raw and smoothed landmarks to rate smoothing.

    Args:
        landmarks: ``(T >= 2, 478, >=2)`` consecutive frames.
        points: measure only these landmark indices (e.g. the irises); all by default.
    """
    if landmarks.ndim != 3 or len(landmarks) < 2 or landmarks.shape[1] < 468:
        raise ShapeError("landmark_jitter", "(T >= 2, 478, D) landmarks", landmarks.shape)
    chosen = landmarks[:, list(points)] if points is not None else landmarks
    step = np.diff(chosen[..., :2].astype(np.float64), axis=0)
    rms = float(np.sqrt((step**2).sum(axis=-1).mean()))
    return 100.0 * rms / float(np.median(interocular_distance(landmarks)))
