"""Shape and value guards shared by the metrics: they raise ShapeError ("expected ... got ...")."""

from __future__ import annotations

import numpy as np

from ned_core.exceptions import ShapeError


def check_frames(name: str, frames: np.ndarray) -> np.ndarray:
    """``frames`` must be ``(T, H, W, 3)`` real numbers in 0..255 scale (uint8 or float), T >= 1."""
    frames = np.asarray(frames)
    if frames.ndim != 4 or frames.shape[-1] != 3 or 0 in frames.shape:
        raise ShapeError(f"{name}: expected (T, H, W, 3) frames, got shape {frames.shape}")
    if not (np.issubdtype(frames.dtype, np.integer) or np.issubdtype(frames.dtype, np.floating)):
        raise ShapeError(f"{name}: expected uint8 or float pixels in 0..255, got dtype {frames.dtype}")
    return frames


def check_masks(name: str, masks: np.ndarray, frames_shape: tuple[int, ...]) -> np.ndarray:
    """``masks`` must be ``(T, H, W)`` matching the frames, weights in 0..1 (bool allowed)."""
    masks = np.asarray(masks)
    if masks.shape != tuple(frames_shape[:3]):
        raise ShapeError(f"{name}: expected masks of shape {tuple(frames_shape[:3])}, got {masks.shape}")
    if masks.dtype != bool:
        lo, hi = float(np.min(masks)), float(np.max(masks))
        if not (np.isfinite(lo) and np.isfinite(hi) and lo >= 0.0 and hi <= 1.0):
            raise ShapeError(f"{name}: expected mask weights in 0..1, got values in {lo}..{hi}")
    return masks


def check_same_shape(name_a: str, a: np.ndarray, name_b: str, b: np.ndarray) -> None:
    if a.shape != b.shape:
        raise ShapeError(f"{name_b}: expected the shape of {name_a} {a.shape}, got {b.shape}")


def check_signal(name: str, signal: np.ndarray) -> np.ndarray:
    """``signal`` must be a finite ``(T,)`` array; returned as float64."""
    signal = np.asarray(signal, dtype=np.float64)
    if signal.ndim != 1:
        raise ShapeError(f"{name}: expected a (T,) signal, got shape {signal.shape}")
    if not np.all(np.isfinite(signal)):
        bad = int(np.flatnonzero(~np.isfinite(signal))[0])
        raise ShapeError(f"{name}: expected finite values, got {signal[bad]} at index {bad}")
    return signal


def check_landmarks(name: str, landmarks: np.ndarray, min_points: int) -> np.ndarray:
    """``landmarks`` must be ``(T, N >= min_points, 2 or 3)``; returns the x, y part as float64."""
    landmarks = np.asarray(landmarks)
    if landmarks.ndim != 3 or landmarks.shape[1] < min_points or landmarks.shape[2] not in (2, 3):
        raise ShapeError(
            f"{name}: expected (T, N>={min_points}, 2|3) landmarks, got shape {landmarks.shape}"
        )
    return landmarks[..., :2].astype(np.float64)
