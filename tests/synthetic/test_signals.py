"""Time signals: speech-like jaw at syllable rate with closures, episodes, blinks, slow wander; all seeded."""

from __future__ import annotations

import numpy as np

from ned_core.synthetic.signals import blinks, episodes, speech_jaw, wander


def test_speech_jaw_has_syllable_rhythm_and_closures():
    fps = 50.0
    jaw = speech_jaw(1000, fps, np.random.default_rng(0))  # 20 s
    assert jaw.min() >= 0 and jaw.max() <= 1 and jaw.max() > 0.8
    assert (jaw < 0.02).mean() > 0.1  # the mouth closes between syllables and in pauses
    spectrum = np.abs(np.fft.rfft(jaw - jaw.mean())) ** 2
    freqs = np.fft.rfftfreq(len(jaw), 1 / fps)
    peak = freqs[np.argmax(spectrum)]
    assert 2.5 <= peak <= 6.5, peak  # syllable rate of conversational speech
    onsets = np.flatnonzero((jaw[1:] > 0.05) & (jaw[:-1] <= 0.05))
    assert 2.5 < len(onsets) / 20.0 < 6.0


def test_signals_are_seeded():
    for fn in (lambda r: speech_jaw(100, 25, r), lambda r: episodes(100, 25, r, 2), lambda r: blinks(500, 25, r),
               lambda r: wander(100, 25, r, 1.0)):
        np.testing.assert_array_equal(fn(np.random.default_rng(5)), fn(np.random.default_rng(5)))
        assert not np.array_equal(fn(np.random.default_rng(5)), fn(np.random.default_rng(6)))


def test_episodes_come_and_go():
    out = episodes(150, 25.0, np.random.default_rng(1), count=3, peak=(0.6, 1.0))
    active = out > 0.05
    assert out.max() <= 1.0 and out.max() >= 0.6
    assert np.count_nonzero(np.diff(active.astype(int)) == 1) + int(active[0]) == 3  # three separate episodes
    assert np.abs(np.diff(out)).max() < 0.25  # smooth onsets and offsets


def test_blinks_close_fully_and_briefly():
    out = blinks(25 * 60, 25.0, np.random.default_rng(2), per_minute=20)
    starts = np.count_nonzero(np.diff((out > 0.5).astype(int)) == 1)
    assert 10 <= starts <= 30 and out.max() > 0.95 and (out > 0.5).mean() < 0.1


def test_wander_stays_in_amplitude_and_is_slow():
    out = wander(500, 25.0, np.random.default_rng(3), 6.0)
    assert np.abs(out).max() <= 6.0 and np.ptp(out) > 3.0
    assert np.abs(np.diff(out)).max() < 6.0 * 2 * np.pi * 0.7 / 25.0 + 1e-9  # no faster than 0.7 Hz
