"""Emotion expression sequences: the emotion's units are active, per-actor variation, speech and blinks."""

from __future__ import annotations

import numpy as np
import pytest

from ned_core.exceptions import UnknownEmotionError
from ned_core.face3d import CHANNEL_INDEX
from ned_core.face3d.channels import EMOTIONS
from ned_core.synthetic import actor_style, emotion_sequence

C = CHANNEL_INDEX


def test_shape_range_and_determinism():
    seq = emotion_sequence("angry", 120, seed=4, actor_seed=2)
    assert seq.shape == (120, 27) and seq.dtype == np.float32
    assert seq.min() >= 0 and seq.max() <= 1.5
    np.testing.assert_array_equal(seq, emotion_sequence("angry", 120, seed=4, actor_seed=2))
    assert not np.array_equal(seq, emotion_sequence("angry", 120, seed=5, actor_seed=2))


@pytest.mark.parametrize(
    ("emotion", "on", "off"),
    [
        ("happy", ["lip_corner_pull_L", "cheek_raise_R"], ["brow_lower_L", "lip_corner_depress_L", "nose_wrinkle"]),
        ("sad", ["brow_inner_up_L", "lip_corner_depress_R"], ["lip_corner_pull_L", "nose_wrinkle"]),
        ("angry", ["brow_lower_L", "lip_tighten"], ["lip_corner_pull_R", "brow_outer_up_L"]),
        ("surprised", ["brow_outer_up_R", "upper_lid_raise_L"], ["brow_lower_L", "lip_corner_pull_L"]),
        ("disgusted", ["nose_wrinkle", "upper_lip_raise"], ["lip_corner_pull_L", "brow_outer_up_R"]),
        ("fear", ["lip_stretch_L", "brow_inner_up_R"], ["lip_corner_pull_L", "nose_wrinkle"]),
    ],
)
def test_emotion_drives_its_own_units(emotion, on, off):
    seq = emotion_sequence(emotion, 100, seed=1, actor_seed=7, speech=False)
    for name in on:
        assert seq[:, C[name]].mean() > 0.3, name
    for name in off:
        assert seq[:, C[name]].max() == 0.0, name


def test_neutral_has_only_speech_and_blinks():
    seq = emotion_sequence("neutral", 200, seed=2)
    moving = {n for n, k in C.items() if seq[:, k].max() > 0}
    assert moving <= {"jaw_open", "lips_part", "blink_L", "blink_R"} and "jaw_open" in moving


def test_actors_differ_but_keep_the_pattern():
    a = emotion_sequence("happy", 100, seed=0, actor_seed=1, speech=False).mean(axis=0)
    b = emotion_sequence("happy", 100, seed=0, actor_seed=2, speech=False).mean(axis=0)
    assert not np.allclose(a, b, atol=0.02)  # different gains / expressivity
    assert np.array_equal(a > 0.05, b > 0.05)  # same units
    style = actor_style(1)
    np.testing.assert_array_equal(style.gains, actor_style(1).gains)  # the same actor in every clip
    assert 0.7 <= style.expressivity <= 1.2 and 8.0 <= style.blink_rate <= 25.0


def test_intensity_scales_the_emotion_not_the_speech():
    weak = emotion_sequence("sad", 100, seed=3, intensity=0.5)
    strong = emotion_sequence("sad", 100, seed=3, intensity=1.0)
    k = C["brow_inner_up_L"]
    np.testing.assert_allclose(weak[:, k] * 2, strong[:, k], rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(weak[:, C["jaw_open"]], strong[:, C["jaw_open"]])


def test_every_label_and_alias_works_and_unknown_raises():
    for label in EMOTIONS + ("surprise", "Disgust"):
        assert emotion_sequence(label, 10).shape == (10, 27)
    with pytest.raises(UnknownEmotionError, match="bored"):
        emotion_sequence("bored", 10)
