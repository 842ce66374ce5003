"""The actor's tonic level per channel and the emotion it shows, estimated from a performance.

A performance is read as ``x(t) = tonic(t) + dynamics(t)``: the tonic level is a low, slowly
moving percentile of each channel (what the face holds), the dynamics are the brief activations
that ride on it (blinks, speech, brow emphasis). The emotion the actor shows is the non-negative
combination of the emotion prototypes that best explains the tonic level on the emotion channels
(non-negative least squares); what the prototypes do not explain is the actor's own rest.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from scipy.ndimage import gaussian_filter1d
from scipy.optimize import nnls

from ned_core.direct.config import DirectConfig
from ned_core.direct.prototypes import prototype_matrix, style_channel_indices


def tonic_level(expr: np.ndarray, config: DirectConfig) -> np.ndarray:
    """Per-channel tonic level: a sliding low percentile, smoothed.

    Args:
        expr: ``(T, K)`` float64 expression sequence, finite.
        config: ``baseline_percentile`` and ``baseline_window`` are used. Near the ends of the
            shot the window is shifted inwards (it keeps its length) instead of padded.

    Returns:
        ``(T, K)`` float64 tonic level (constant over time when the window covers the shot).
    """
    frames = expr.shape[0]
    width = frames if config.baseline_window == 0 else min(config.baseline_window, frames)
    windows = sliding_window_view(expr, width, axis=0)  # (T - width + 1, K, width)
    levels = np.percentile(windows, config.baseline_percentile, axis=-1)
    starts = np.clip(np.arange(frames) - width // 2, 0, frames - width)
    tonic = levels[starts]
    if width < frames:
        tonic = gaussian_filter1d(tonic, sigma=width / 4.0, axis=0, mode="nearest")
    return tonic


def emotion_amounts(levels: np.ndarray) -> np.ndarray:
    """How much of each emotion prototype a set of levels shows (non-negative least squares).

    Only the emotion channels (not speech, not blinks) are fitted; the speech channels' share
    of the result follows from the prototypes.

    Args:
        levels: ``(T, K)`` float64 offsets from the actor's rest (e.g. a tonic level).

    Returns:
        ``(T, 7)`` float64 non-negative amounts, columns in the order of ``EMOTIONS`` (the
        neutral column is 0). ``amounts @ prototype_matrix()`` is the emotional offset.
    """
    table = prototype_matrix()
    fit_cols = style_channel_indices()
    active = np.flatnonzero(np.any(table[:, fit_cols] != 0, axis=1))  # every emotion but neutral
    design = table[np.ix_(active, fit_cols)].T  # (C, E)
    unique, inverse = np.unique(levels[:, fit_cols], axis=0, return_inverse=True)
    solved = np.stack([nnls(design, row)[0] for row in unique])
    amounts = np.zeros((levels.shape[0], table.shape[0]), dtype=np.float64)
    amounts[:, active] = solved[inverse.reshape(-1)]
    return amounts
