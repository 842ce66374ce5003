"""Tonic level and the emotion it shows: recovered from speaking performances, followed over time."""

import numpy as np
import pytest

from ned_core.direct.baseline import emotion_amounts, tonic_level
from ned_core.direct.config import DirectConfig
from ned_core.face3d.channels import EMOTIONS


@pytest.mark.parametrize("emotion", EMOTIONS[1:])
def test_held_emotion_is_recovered_despite_speech_blinks_and_emphasis(emotion, performance):
    x = performance(240, emotion, 0.8, seed=5).astype(np.float64)
    amounts = emotion_amounts(tonic_level(x, DirectConfig()))
    mean = amounts.mean(axis=0)
    assert mean[EMOTIONS.index(emotion)] == pytest.approx(0.8, abs=0.2)
    others = np.delete(mean, EMOTIONS.index(emotion))
    assert others.max() < 0.15


def test_neutral_speaker_shows_no_emotion(performance):
    x = performance(240, "neutral", seed=6).astype(np.float64)
    amounts = emotion_amounts(tonic_level(x, DirectConfig()))
    assert amounts.max() < 0.1


def test_sliding_window_follows_a_change_inside_the_shot(performance):
    calm = performance(240, "neutral", seed=7)
    angry = performance(240, "angry", 1.0, seed=7)
    x = np.concatenate([calm[:120], angry[120:]]).astype(np.float64)
    sliding = emotion_amounts(tonic_level(x, DirectConfig()))[:, EMOTIONS.index("angry")]
    assert sliding[:60].max() < 0.15 and sliding[-60:].min() > 0.75
    whole = emotion_amounts(tonic_level(x, DirectConfig(baseline_window=0)))[:, EMOTIONS.index("angry")]
    assert np.ptp(whole) == 0.0  # one level for the whole shot


def test_short_shot_uses_all_its_frames(performance):
    x = performance(6, "sad", seed=8).astype(np.float64)
    tonic = tonic_level(x, DirectConfig())
    np.testing.assert_allclose(tonic, np.repeat(np.percentile(x, 10, axis=0)[None], 6, axis=0))
