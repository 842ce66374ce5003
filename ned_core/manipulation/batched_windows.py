"""Run a batched window function under the shared sliding-window scheme (``ned_core.direct.apply_windowed``).

``apply_windowed`` calls its window function once per window, in order. To run a network on all
windows as one batch, a first pass only collects the windows (returning them unchanged), the
batch function transforms them all at once, and a second pass hands back the results in the same
order, so the overlap blending is exactly the shared one.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ned_core.direct.windowed import apply_windowed

BatchFn = Callable[[np.ndarray, np.ndarray], np.ndarray]


def apply_windowed_batched(sequence: np.ndarray, batch_fn: BatchFn, n: int, sigma: float,
                           context: np.ndarray | None = None) -> np.ndarray:
    """Like :func:`ned_core.direct.apply_windowed`, with every window transformed in one call.

    Args:
        sequence: ``(T, K)`` float. n, sigma: window length and overlap Gaussian.
        batch_fn: ``(W, N, K)`` windows and ``(W, N, C)`` their context -> ``(W, N, K)``.
        context: optional ``(T, C)`` per-frame conditioning.

    Returns:
        ``(T, K)`` float64 (errors as ``apply_windowed``).
    """
    windows, contexts = [], []

    def collect(window: np.ndarray, ctx: np.ndarray) -> np.ndarray:
        windows.append(window)
        contexts.append(ctx)
        return window

    apply_windowed(sequence, collect, n, sigma, context)
    results = iter(np.asarray(batch_fn(np.stack(windows), np.stack(contexts))))
    return apply_windowed(sequence, lambda window, ctx: next(results), n, sigma, context)
