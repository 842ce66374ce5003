"""Keyed schedules: key values hit on key frames, eased (bounded-slope) transitions, blends, ranges."""

import numpy as np
import pytest

from ned_core.direct.schedule import EmotionKey, EmotionSchedule, ease
from ned_core.exceptions import (
    EmotionKeysFormatError,
    EmotionWeightError,
    IntensityRangeError,
    KeyFrameRangeError,
    ScheduleFrameError,
)
from ned_core.face3d.channels import EMOTIONS


def onehot(label):
    return tuple(1.0 if e == label else 0.0 for e in EMOTIONS)


def blend(**weights):
    return tuple(weights.get(e, 0.0) for e in EMOTIONS)


def keyed(ease_kind="smoothstep"):
    keys = (
        EmotionKey(1010, onehot("happy"), 0.5, 12),
        EmotionKey(1040, blend(happy=0.6, surprised=0.4), 1.0, 12),
        EmotionKey(1045, onehot("sad"), 1.5, 20),  # closer than its transition: starts at 1040
    )
    return EmotionSchedule(keys, 1001, 1100, ease_kind)


@pytest.mark.parametrize("kind", ["smoothstep", "cosine"])
def test_ease_endpoints_and_monotone(kind):
    s = np.linspace(0, 1, 101)
    e = ease(s, kind)
    assert e[0] == 0.0 and e[-1] == 1.0
    assert np.all(np.diff(e) >= 0)


@pytest.mark.parametrize("kind", ["smoothstep", "cosine"])
def test_key_values_hit_and_held(kind):
    schedule = keyed(kind)
    for key in schedule.keys:
        weights, intensity = schedule.at(key.frame)
        np.testing.assert_allclose(weights, key.weights, atol=1e-12)
        assert intensity == pytest.approx(key.intensity, abs=1e-12)
    sample = schedule.sample()
    np.testing.assert_allclose(sample.intensity[:10], 0.5)  # before the first key: held
    np.testing.assert_allclose(sample.intensity[44:], 1.5)  # after the last key: held
    np.testing.assert_allclose(sample.weights.sum(axis=1), 1.0)


def test_transition_ends_on_the_key_and_lasts_its_length():
    schedule = keyed()
    intensity = schedule.sample().intensity
    frames = schedule.frames()
    changing = frames[np.flatnonzero(np.abs(np.diff(intensity)) > 1e-12) + 1]
    # into 1040 over 12 frames (1029..1040), into 1045 from 1040 (not before the previous key)
    assert changing.min() == 1029 and 1040 in changing and changing.max() == 1045
    assert not np.any((changing > 1010) & (changing < 1029))


@pytest.mark.parametrize("kind", ["smoothstep", "cosine"])
def test_smooth_no_jump_bigger_than_the_eased_slope(kind):
    schedule = EmotionSchedule(
        (EmotionKey(1001, onehot("sad"), 0.0, 12), EmotionKey(1050, onehot("happy"), 1.5, 24)), 1001, 1100, kind
    )
    sample = schedule.sample()
    # max slope of both eases is pi/2 = 1.57 per unit progress (smoothstep: 1.5)
    bound = 1.571 * 1.5 / 24
    assert np.abs(np.diff(sample.intensity)).max() <= bound
    assert np.abs(np.diff(sample.amounts, axis=0)).max() <= bound
    assert np.abs(np.diff(sample.intensity)).max() > 0.5 * bound  # it does change


def test_blend_transition_stays_between_its_parts():
    schedule = EmotionSchedule(
        (EmotionKey(1001, onehot("happy"), 1.0, 1), EmotionKey(1031, onehot("surprised"), 1.0, 30)), 1001, 1040
    )
    weights = schedule.sample().weights
    happy, surprised = EMOTIONS.index("happy"), EMOTIONS.index("surprised")
    np.testing.assert_allclose(weights[:, happy] + weights[:, surprised], 1.0)
    assert np.all(np.diff(weights[:31, surprised]) >= 0)  # monotone, no overshoot


def test_amounts_do_not_overshoot_between_keys():
    # weight and intensity both change: the amounts (weight x intensity) move monotonically
    schedule = EmotionSchedule(
        (EmotionKey(1001, onehot("happy"), 0.2, 1), EmotionKey(1031, onehot("surprised"), 1.0, 30)), 1001, 1040
    )
    happy = schedule.sample().amounts[:, EMOTIONS.index("happy")]
    assert happy.max() == pytest.approx(0.2)
    assert np.all(np.diff(happy) <= 1e-15)


def test_sampling_outside_the_shot():
    with pytest.raises(ScheduleFrameError, match="1101"):
        keyed().sample(np.array([1050, 1101]))


def test_invalid_schedules():
    with pytest.raises(KeyFrameRangeError, match="1200.*1001-1100"):
        EmotionSchedule((EmotionKey(1200, onehot("sad"), 1.0, 5),), 1001, 1100)
    with pytest.raises(EmotionKeysFormatError, match="increasing"):
        EmotionSchedule((EmotionKey(1050, onehot("sad"), 1.0, 5), EmotionKey(1020, onehot("sad"), 1.0, 5)), 1001, 1100)
    with pytest.raises(EmotionKeysFormatError, match="either every key"):
        EmotionSchedule((EmotionKey(1010, onehot("sad"), 1.0, 5), EmotionKey(1020, None, 1.0, 5)), 1001, 1100)
    with pytest.raises(IntensityRangeError, match="frame 1010"):
        EmotionKey(1010, onehot("sad"), 1.7, 5)
    with pytest.raises(EmotionWeightError):
        EmotionKey(1010, blend(sad=0.5), 1.0, 5)
    with pytest.raises(EmotionKeysFormatError, match="transition"):
        EmotionKey(1010, onehot("sad"), 1.0, 0)
