"""Replace the emotion a performance shows by target offsets, keeping its dynamics and its speech.

``out = x - strength * tonic + target`` per channel, where ``tonic`` is what the face holds (the
slow, low percentile of each channel, see :mod:`ned_core.direct.baseline`): the held expression
is undone as a whole (a smiling actor made sad stops smiling: corners, cheeks, raised upper lip),
not only the part an emotion prototype explains; at strength 1 every held channel is replaced by
the target's level (intensity 1 = a full, typical target, whatever the source held). Everything
above the tonic level — blinks,
brow emphasis, speech — rides on unchanged, so dynamics are moved to the new level rather than
deleted. Emotion channels are kept at or above ``min(0, lowest source
value)``. The speech channels (jaw_open, lips_part) are never reshaped: their tonic level is the slow
component of the opening (in a still or a silent stretch, the whole opening), which is
expression and is undone like any held channel; where the change asks for more opening it is
added as a slow offset; where it asks for less, the channel's tonic level is lowered first
(closures stay closed), and what remains scales the channel's motion by a slow gain of at least
``config.min_speech_gain``.
"""

from __future__ import annotations

import numpy as np

from ned_core.direct.baseline import tonic_level
from ned_core.direct.config import DirectConfig
from ned_core.direct.prototypes import DYNAMIC_CHANNELS, SPEECH_CHANNELS, channel_indices


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
    """Remove ``strength`` of the source's held expression and add ``target``.

    Args:
        expr: ``(T, K)`` float64 source expression sequence (finite).
        target: ``(T, K)`` float64 target emotional offset per frame (e.g. amounts @ prototypes).
        strength: ``(T,)`` float64 share of the source's held expression to undo, in 0..1, or
            ``(T, K)`` per channel (unit overrides undo their channels in full).
        config: baseline settings and ``min_speech_gain``.

    Returns:
        ``(T, K)`` float64. Equal to ``expr`` exactly where ``target`` and ``strength`` are 0.
    """
    tonic = tonic_level(expr, config)
    held = (strength if strength.ndim == 2 else strength[:, None]) * tonic
    held[:, channel_indices(DYNAMIC_CHANNELS)] = 0.0  # blinks are dynamics, never a held expression
    delta = target - held
    floor = np.minimum(expr.min(axis=0), 0.0)
    out = np.maximum(expr + delta, floor)
    for col in channel_indices(SPEECH_CHANNELS):
        out[:, col] = _speech_channel(expr[:, col], tonic[:, col], delta[:, col], config.min_speech_gain)
    return out
