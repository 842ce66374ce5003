"""Seeded time signals for synthetic actors: speech-like jaw motion, expression episodes, head motion."""

from __future__ import annotations

import numpy as np


def speech_jaw(
    num_frames: int, fps: float, rng: np.random.Generator, rate_hz: tuple[float, float] = (3.0, 6.0)
) -> np.ndarray:
    """Jaw opening of someone talking: one opening pulse per syllable, closures between, phrase pauses.

    Syllables follow each other at a rate drawn per syllable from ``rate_hz`` (3-6 Hz, the syllable
    rate of conversational speech); each opens the jaw as a ``sin^2`` pulse lasting 80 % of its slot
    with a peak in 0.35..1.0, so the mouth closes briefly between syllables (as for consonants).
    After every 4-9 syllables a phrase pause of 0.25-0.5 s keeps the mouth closed.

    Args:
        num_frames: ``T``. fps: frame rate. rng: the random source (seeded by the caller).
        rate_hz: syllable-rate range.

    Returns:
        ``(T,) float64`` in 0..1.
    """
    t = np.arange(num_frames) / fps
    jaw = np.zeros(num_frames)
    start, left_in_phrase = rng.uniform(0.0, 0.2), int(rng.integers(4, 10))
    while start < t[-1] + 1.0 / fps:
        slot = 1.0 / rng.uniform(*rate_hz)
        dur = 0.8 * slot
        phase = np.clip((t - start) / dur, 0.0, 1.0)
        jaw = np.maximum(jaw, rng.uniform(0.35, 1.0) * np.sin(np.pi * phase) ** 2)
        start += slot
        left_in_phrase -= 1
        if left_in_phrase == 0:
            start += rng.uniform(0.25, 0.5)
            left_in_phrase = int(rng.integers(4, 10))
    return jaw


def episodes(
    num_frames: int, fps: float, rng: np.random.Generator, count: int, peak: tuple[float, float] = (0.6, 1.0)
) -> np.ndarray:
    """An expression that comes and goes ``count`` times: onset, hold, offset, then rest.

    The clip is cut into ``count`` equal slots; in each, an episode with a smooth (raised-cosine)
    onset and offset of 0.2-0.5 s each and a hold of 0.2-0.6 s starts at a random time, with a peak
    drawn from ``peak``. Episodes are shortened to fit their slot; each slot keeps some rest frames.

    Returns:
        ``(T,) float64`` in 0..1.
    """
    t = np.arange(num_frames) / fps
    out = np.zeros(num_frames)
    slot = (num_frames / fps) / count
    for k in range(count):
        ramp_in, hold, ramp_out = rng.uniform(0.2, 0.5), rng.uniform(0.2, 0.6), rng.uniform(0.2, 0.5)
        shrink = min(1.0, 0.8 * slot / (ramp_in + hold + ramp_out))
        ramp_in, hold, ramp_out = ramp_in * shrink, hold * shrink, ramp_out * shrink
        begin = k * slot + rng.uniform(0.0, slot - (ramp_in + hold + ramp_out))
        up = np.clip((t - begin) / ramp_in, 0.0, 1.0)
        down = np.clip((t - begin - ramp_in - hold) / ramp_out, 0.0, 1.0)
        shape = 0.5 - 0.5 * np.cos(np.pi * up) - (0.5 - 0.5 * np.cos(np.pi * down))
        out = np.maximum(out, rng.uniform(*peak) * shape)
    return out


def blinks(num_frames: int, fps: float, rng: np.random.Generator, per_minute: float = 15.0) -> np.ndarray:
    """Eye closures: Poisson-timed blinks (``per_minute``), each ~0.25 s, full closure at the middle.

    Returns:
        ``(T,) float64`` in 0..1.
    """
    t = np.arange(num_frames) / fps
    out = np.zeros(num_frames)
    when = rng.uniform(0.0, t[-1] + 1.0 / fps, size=rng.poisson(per_minute * (t[-1] + 1.0 / fps) / 60.0))
    for start in when:
        phase = np.clip((t - start) / 0.25, 0.0, 1.0)
        out = np.maximum(out, np.sin(np.pi * phase) ** 2)
    return out


def wander(
    num_frames: int,
    fps: float,
    rng: np.random.Generator,
    amplitude: float,
    freq_hz: tuple[float, float] = (0.2, 0.7),
) -> np.ndarray:
    """Slow, smooth motion (head turns, drifting intensities): two sinusoids with random frequency and phase.

    Returns:
        ``(T,) float64`` within ``[-amplitude, amplitude]``.
    """
    t = np.arange(num_frames) / fps
    parts = [np.sin(2 * np.pi * rng.uniform(*freq_hz) * t + rng.uniform(0, 2 * np.pi)) for _ in range(2)]
    return amplitude * 0.5 * (parts[0] + parts[1])
