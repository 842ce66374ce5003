"""Shape guards shared by the render and composite stages ("expected ... got ..." errors)."""

from __future__ import annotations

import numpy as np

from ned_core.exceptions import ShapeError


def check_points(name: str, points: np.ndarray, min_dims: int = 2) -> np.ndarray:
    """Return ``points`` as ``(N, D)`` float64 with ``D >= min_dims``, finite; raise otherwise."""
    arr = np.asarray(points, dtype=np.float64)
    if arr.ndim != 2 or arr.shape[1] < min_dims:
        raise ShapeError(f"{name}: expected shape (N, {min_dims}+), got {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ShapeError(f"{name}: expected finite coordinates, got NaN or inf")
    return arr


def check_image(name: str, image: np.ndarray, channels: int | None = None) -> np.ndarray:
    """Raise unless ``image`` is ``(H, W)`` or ``(H, W, C)`` (``C == channels`` when given), non-empty."""
    if image.ndim not in (2, 3) or image.shape[0] == 0 or image.shape[1] == 0:
        raise ShapeError(f"{name}: expected a non-empty (H, W) or (H, W, C) image, got {image.shape}")
    if channels is not None and (image.ndim != 3 or image.shape[2] != channels):
        raise ShapeError(f"{name}: expected shape (H, W, {channels}), got {image.shape}")
    return image


def check_matrix(name: str, matrix: np.ndarray) -> np.ndarray:
    """Return an invertible ``(2, 3)`` affine matrix as float64; raise otherwise."""
    arr = np.asarray(matrix, dtype=np.float64)
    if arr.shape != (2, 3) or not np.all(np.isfinite(arr)):
        raise ShapeError(f"{name}: expected a finite (2, 3) affine matrix, got {arr.shape}")
    if abs(np.linalg.det(arr[:, :2])) < 1e-12:
        raise ShapeError(f"{name}: expected an invertible (2, 3) affine matrix, got a singular one")
    return arr


def check_same_shape(name_a: str, a: np.ndarray, name_b: str, b: np.ndarray) -> None:
    """Raise unless ``a`` and ``b`` have the same shape."""
    if a.shape != b.shape:
        raise ShapeError(f"{name_b}: expected the shape of {name_a} {a.shape}, got {b.shape}")
