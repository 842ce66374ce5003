"""Synthetic performances for the direction tests: speech bursts, blinks, brow emphasis, an emotion."""

from __future__ import annotations

import numpy as np
import pytest

from ned_core.direct.prototypes import prototype
from ned_core.face3d.channels import CHANNEL_INDEX, NUM_CHANNELS

FPS = 24.0


def make_performance(frames: int = 240, emotion: str = "neutral", level: float = 1.0, seed: int = 0) -> np.ndarray:
    """A speaking actor holding ``emotion`` at ``level``: ``(frames, K)`` float32.

    Speech: syllable-rate (3-6 Hz) rectified sinusoid bursts of 1.2-2 s with pauses on jaw_open,
    lips_part following it; blinks every ~3 s; brow-raise emphasis bumps; the emotion as the
    actor's own version of the prototype (each unit scaled by 0.85-1.15); noise sigma 0.02.
    """
    rng = np.random.default_rng(seed)
    t = np.arange(frames) / FPS
    x = np.zeros((frames, NUM_CHANNELS))
    jaw = np.zeros(frames)
    start = 0.0
    while start < t[-1]:
        length, freq, amp = rng.uniform(1.2, 2.0), rng.uniform(3.0, 6.0), rng.uniform(0.25, 0.5)
        inside = (t >= start) & (t < start + length)
        jaw[inside] = amp * np.abs(np.sin(2 * np.pi * freq * (t[inside] - start) / 2))
        start += length + rng.uniform(0.3, 0.7)
    x[:, CHANNEL_INDEX["jaw_open"]] = jaw
    x[:, CHANNEL_INDEX["lips_part"]] = 0.6 * jaw
    for blink in np.arange(rng.integers(10, 40), frames - 4, 72):
        x[blink : blink + 4, [CHANNEL_INDEX["blink_L"], CHANNEL_INDEX["blink_R"]]] = [[0.5], [1.0], [1.0], [0.5]]
    brows = [CHANNEL_INDEX[n] for n in ("brow_inner_up_L", "brow_inner_up_R", "brow_outer_up_L", "brow_outer_up_R")]
    for bump in np.arange(rng.integers(20, 50), frames - 8, 90):
        x[bump : bump + 8, brows] += 0.3 * np.hanning(8)[:, None]
    x += level * prototype(emotion) * rng.uniform(0.85, 1.15, NUM_CHANNELS)
    x += rng.normal(0.0, 0.02, x.shape)
    return x.astype(np.float32)


def pearson(a: np.ndarray, b: np.ndarray) -> float:
    """Pearson correlation of two 1-D signals."""
    return float(np.corrcoef(np.asarray(a, np.float64), np.asarray(b, np.float64))[0, 1])


@pytest.fixture
def performance():
    """The :func:`make_performance` factory."""
    return make_performance


@pytest.fixture
def pcc():
    """The :func:`pearson` function."""
    return pearson
