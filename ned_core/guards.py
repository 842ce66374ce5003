"""Array guards of every stage: each returns the checked array or raises ``ShapeError`` ("<what>: expected
<expected>, got <actual>"); expression sequences also raise ``ExpressionValueError`` naming frame and channel."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ned_core.exceptions import ExpressionValueError, ShapeError


def check_points(name: str, points: np.ndarray, min_dims: int = 2) -> np.ndarray:
    """Return ``points`` as ``(N, D)`` float64 with ``D >= min_dims``, finite; raise otherwise."""
    arr = np.asarray(points, dtype=np.float64)
    if arr.ndim != 2 or arr.shape[1] < min_dims:
        raise ShapeError(name, f"shape (N, {min_dims}+)", arr.shape)
    if not np.all(np.isfinite(arr)):
        raise ShapeError(name, "finite coordinates", "NaN or inf")
    return arr


def check_image(name: str, image: np.ndarray, channels: int | None = None) -> np.ndarray:
    """Raise unless ``image`` is ``(H, W)`` or ``(H, W, C)`` (``C == channels`` when given), non-empty."""
    if image.ndim not in (2, 3) or image.shape[0] == 0 or image.shape[1] == 0:
        raise ShapeError(name, "a non-empty (H, W) or (H, W, C) image", image.shape)
    if channels is not None and (image.ndim != 3 or image.shape[2] != channels):
        raise ShapeError(name, f"shape (H, W, {channels})", image.shape)
    return image


def check_same_shape(name_a: str, a: np.ndarray, name_b: str, b: np.ndarray) -> None:
    """Raise unless ``a`` and ``b`` have the same shape."""
    if a.shape != b.shape:
        raise ShapeError(name_b, f"the shape of {name_a} {a.shape}", b.shape)


def check_frames(name: str, frames: np.ndarray) -> np.ndarray:
    """``frames`` must be ``(T, H, W, 3)`` real numbers in 0..255 scale (uint8 or float), T >= 1."""
    frames = np.asarray(frames)
    if frames.ndim != 4 or frames.shape[-1] != 3 or 0 in frames.shape:
        raise ShapeError(name, "(T, H, W, 3) frames", f"shape {frames.shape}")
    if not (np.issubdtype(frames.dtype, np.integer) or np.issubdtype(frames.dtype, np.floating)):
        raise ShapeError(name, "uint8 or float pixels in 0..255", f"dtype {frames.dtype}")
    return frames


def check_masks(name: str, masks: np.ndarray, frames_shape: tuple[int, ...]) -> np.ndarray:
    """``masks`` must be ``(T, H, W)`` matching the frames, weights in 0..1 (bool allowed)."""
    masks = np.asarray(masks)
    if masks.shape != tuple(frames_shape[:3]):
        raise ShapeError(name, f"masks of shape {tuple(frames_shape[:3])}", masks.shape)
    if masks.dtype != bool:
        lo, hi = float(np.min(masks)), float(np.max(masks))
        if not (np.isfinite(lo) and np.isfinite(hi) and lo >= 0.0 and hi <= 1.0):
            raise ShapeError(name, "mask weights in 0..1", f"values in {lo}..{hi}")
    return masks


def check_signal(name: str, signal: np.ndarray) -> np.ndarray:
    """``signal`` must be a finite ``(T,)`` array; returned as float64."""
    signal = np.asarray(signal, dtype=np.float64)
    if signal.ndim != 1:
        raise ShapeError(name, "a (T,) signal", f"shape {signal.shape}")
    if not np.all(np.isfinite(signal)):
        bad = int(np.flatnonzero(~np.isfinite(signal))[0])
        raise ShapeError(name, "finite values", f"{signal[bad]} at index {bad}")
    return signal


def check_landmarks(name: str, landmarks: np.ndarray, min_points: int) -> np.ndarray:
    """``landmarks`` must be ``(T, N >= min_points, 2 or 3)``; returns the x, y part as float64."""
    landmarks = np.asarray(landmarks)
    if landmarks.ndim != 3 or landmarks.shape[1] < min_points or landmarks.shape[2] not in (2, 3):
        raise ShapeError(name, f"(T, N>={min_points}, 2|3) landmarks", f"shape {landmarks.shape}")
    return landmarks[..., :2].astype(np.float64)


def check_sequence(expr: np.ndarray, frames: int, channel_names: Sequence[str], first_frame: int = 0,
                   what: str = "expression") -> np.ndarray:
    """Guard a ``(frames, K)`` float sequence whose K columns are ``channel_names``; return it as a float64 copy.

    Raises:
        ShapeError: not ``(frames, K)`` or not floating point.
        ExpressionValueError: NaN or infinity; the message names the first bad frame and channel.
    """
    expr = np.asarray(expr)
    if expr.shape != (frames, len(channel_names)) or not np.issubdtype(expr.dtype, np.floating):
        raise ShapeError(what, f"({frames}, {len(channel_names)}) float", f"{expr.shape} {expr.dtype}")
    values = expr.astype(np.float64)
    bad = np.argwhere(~np.isfinite(values))
    if bad.size:
        row, col = bad[0]
        raise ExpressionValueError(
            f"{what}: non-finite value {values[row, col]} at frame {first_frame + row}, channel {channel_names[col]}"
        )
    return values
