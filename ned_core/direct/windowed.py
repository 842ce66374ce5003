"""Sliding-window application with Gaussian overlap averaging (the paper's inference scheme).

A window of N frames slides over the sequence one frame at a time; each window is transformed
by ``window_fn``; every frame's output is the average of the outputs of all windows that hold
it, each weighted by a Gaussian of the frame's offset from that window's centre. The learned
manipulator (one LSTM call per window) and any per-window director share this function.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ned_core.direct.config import DEFAULT_WINDOW_SIGMA
from ned_core.exceptions import DirectConfigError, ShapeError, WindowFunctionError

WindowFn = Callable[[np.ndarray, np.ndarray], np.ndarray]


def gaussian_window_weights(n: int, sigma: float) -> np.ndarray:
    """``(n,)`` float64 Gaussian weights centred on the window's middle ((n - 1) / 2), peak 1."""
    offsets = np.arange(n, dtype=np.float64) - (n - 1) / 2.0
    return np.exp(-0.5 * (offsets / sigma) ** 2)


def apply_windowed(
    sequence: np.ndarray,
    window_fn: WindowFn,
    n: int = 10,
    sigma: float = DEFAULT_WINDOW_SIGMA,
    context: np.ndarray | None = None,
) -> np.ndarray:
    """Transform a sequence window by window and blend the overlaps.

    Args:
        sequence: ``(T, K)`` float array.
        window_fn: called once per window, in order, as ``window_fn(window, context_window)``
            with ``window`` ``(N, K)`` float64 and ``context_window`` ``(N, C)`` (the rows of
            ``context`` for the same frames); returns ``(N, K)``.
        n: window length N (>= 1).
        sigma: Gaussian sigma in frames (> 0).
        context: optional ``(T, C)`` per-frame conditioning (e.g. the schedule's target per frame);
            ``None`` passes ``(N, 0)`` arrays.

    Returns:
        ``(T, K)`` float64. A frame near the ends is covered by fewer windows; the weights are
        normalised per frame, so an identity ``window_fn`` returns the input (up to rounding).
        When ``T < N`` the sequence (and context) is padded to N by repeating its first and last
        frames (half of the padding before, the rest after), run as one window, and cropped back.

    Raises:
        ShapeError: ``sequence``/``context`` of the wrong shape, or empty.
        DirectConfigError: ``n < 1`` or ``sigma <= 0``.
        WindowFunctionError: ``window_fn`` returned the wrong shape or non-finite values.
    """
    sequence = np.asarray(sequence, dtype=np.float64)
    if sequence.ndim != 2 or sequence.shape[0] == 0:
        raise ShapeError("apply_windowed", "sequence (T >= 1, K)", sequence.shape)
    frames = sequence.shape[0]
    context = np.zeros((frames, 0)) if context is None else np.asarray(context)
    if context.ndim != 2 or context.shape[0] != frames:
        raise ShapeError("apply_windowed", f"context ({frames}, C)", context.shape)
    if isinstance(n, bool) or not isinstance(n, int) or n < 1 or not sigma > 0:
        raise DirectConfigError(f"apply_windowed: need an integer n >= 1 and sigma > 0, got n={n!r}, sigma={sigma!r}")
    before = max(n - frames, 0) // 2
    after = max(n - frames, 0) - before
    padded = np.pad(sequence, ((before, after), (0, 0)), mode="edge")
    padded_context = np.pad(context, ((before, after), (0, 0)), mode="edge")
    weights = gaussian_window_weights(n, float(sigma))
    total = np.zeros_like(padded)
    norm = np.zeros(padded.shape[0])
    windows = sliding_window_view(padded, n, axis=0).transpose(0, 2, 1)  # (W, N, K)
    context_windows = sliding_window_view(padded_context, n, axis=0).transpose(0, 2, 1)
    for start, (window, context_window) in enumerate(zip(windows, context_windows)):
        out = np.asarray(window_fn(window.copy(), context_window.copy()), dtype=np.float64)
        if out.shape != window.shape or not np.all(np.isfinite(out)):
            problem = f"shape {out.shape}" if out.shape != window.shape else "non-finite values"
            raise WindowFunctionError(
                f"window_fn returned {problem} for the window at frame index {start - before}; "
                f"expected finite ({n}, {sequence.shape[1]})"
            )
        total[start : start + n] += weights[:, None] * out
        norm[start : start + n] += weights
    return (total / norm[:, None])[before : before + frames]
