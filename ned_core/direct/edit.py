"""Replace the emotion a performance shows by target offsets, keeping its dynamics and its speech.

``out = x - strength * E + target`` where ``E`` is the source's emotional offset (the prototype
fit of its tonic level, see :mod:`ned_core.direct.baseline`). Everything else in ``x`` — the
actor's own rest, blinks, brow emphasis, speech — rides on unchanged, so dynamics are moved to
the new level rather than deleted. Emotion channels are kept at or above ``min(0, lowest source
value)``. The speech channels (jaw_open, lips_part) are never reshaped: where the change asks
for more opening it is added as a slow offset; where it asks for less, the channel's tonic level
is lowered first (closures stay closed), and what remains scales the channel's motion by a slow
gain of at least ``config.min_speech_gain``.
"""

from __future__ import annotations

import numpy as np

from ned_core.direct.baseline import emotion_amounts, tonic_level
from ned_core.direct.config import DirectConfig
from ned_core.direct.prototypes import SPEECH_CHANNELS, channel_indices, prototype_matrix


def _speech_channel(x: np.ndarray, tonic: np.ndarray, delta: np.ndarray, min_gain: float) -> np.ndarray:
    """One speech channel ``(T,)`` moved by the slow change ``delta`` ``(T,)`` without reshaping it."""
    lift = np.maximum(delta, 0.0)
    lower = np.minimum(delta, 0.0)
    shift = np.maximum(lower, -np.maximum(tonic, 0.0))  # lower the tonic level, at most to 0
    remainder = lower - shift  # what the tonic level could not absorb (<= 0)
    motion = x - tonic
    level = max(float(np.maximum(motion, 0.0).mean()), 1e-6)  # typical opening above the tonic level
    gain = np.clip(1.0 + remainder / level, min_gain, 1.0)
    return x + lift + shift + (gain - 1.0) * motion


def redirect(expr: np.ndarray, target: np.ndarray, strength: np.ndarray, config: DirectConfig) -> np.ndarray:
    """Remove ``strength`` of the source's emotion and add ``target``.

    Args:
        expr: ``(T, K)`` float64 source expression sequence (finite).
        target: ``(T, K)`` float64 target emotional offset per frame (e.g. amounts @ prototypes).
        strength: ``(T,)`` float64 share of the source's emotion to remove, in 0..1.
        config: baseline settings and ``min_speech_gain``.

    Returns:
        ``(T, K)`` float64. Equal to ``expr`` exactly where ``target`` and ``strength`` are 0.
    """
    tonic = tonic_level(expr, config)
    source = emotion_amounts(tonic) @ prototype_matrix()
    delta = target - strength[:, None] * source
    floor = np.minimum(expr.min(axis=0), 0.0)
    out = np.maximum(expr + delta, floor)
    for col in channel_indices(SPEECH_CHANNELS):
        out[:, col] = _speech_channel(expr[:, col], tonic[:, col], delta[:, col], config.min_speech_gain)
    return out
