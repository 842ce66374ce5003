"""Emotion spec strings: accepted forms, blends, intensity-only, and every error."""

import numpy as np
import pytest

from ned_core.direct.config import DirectConfig
from ned_core.direct.spec import parse_emotion_spec
from ned_core.exceptions import EmotionSpecError, EmotionWeightError, IntensityRangeError, UnknownEmotionError
from ned_core.face3d.channels import EMOTIONS

CONFIG = DirectConfig()


def _parse(spec):
    return parse_emotion_spec(spec, 1001, 1100, CONFIG)


def _mix(weights):
    return {e: w for e, w in zip(EMOTIONS, weights) if w > 0}


@pytest.mark.parametrize(
    "spec, mix, intensity",
    [
        ("happy", {"happy": 1.0}, 1.0),
        ("happy:0.8", {"happy": 0.8 / 0.8}, 0.8),
        ("Surprise : 1.5", {"surprised": 1.0}, 1.5),
        ("happy:0.6+surprised:0.4", {"happy": 0.6, "surprised": 0.4}, 1.0),
        ("0.6 happy + 0.4 surprised", {"happy": 0.6, "surprised": 0.4}, 1.0),
        ("happy:0.3+surprised:0.2", {"happy": 0.6, "surprised": 0.4}, 0.5),
        ("sad+angry", {"sad": 0.5, "angry": 0.5}, 1.0),
        ("happy:0.3+sad:0.5+happy:0.2", {"happy": 0.5, "sad": 0.5}, 1.0),
        ("happy:0", {"happy": 1.0}, 0.0),
    ],
)
def test_accepted_forms(spec, mix, intensity):
    schedule = _parse(spec)
    weights, got = schedule.at(1050)
    assert got == pytest.approx(intensity)
    assert _mix(weights) == pytest.approx(mix)
    assert schedule.labelled
    # constant over the shot
    sample = schedule.sample()
    np.testing.assert_allclose(sample.intensity, intensity)


def test_bare_number_is_intensity_only():
    schedule = _parse("0.8")
    assert not schedule.labelled
    _, intensity = schedule.at(1001)
    assert intensity == pytest.approx(0.8)


def test_unknown_emotion_lists_the_valid_ones():
    with pytest.raises(UnknownEmotionError, match="'joyful'") as err:
        _parse("joyful:0.5")
    for emotion in EMOTIONS:
        assert emotion in str(err.value)


@pytest.mark.parametrize("spec", ["happy:1.6", "happy:-0.1", "happy:1.0+sad:0.6", "2"])
def test_intensity_out_of_range(spec):
    with pytest.raises(IntensityRangeError, match=r"0\.\.1\.5"):
        _parse(spec)


@pytest.mark.parametrize("spec", ["", "   ", "happy:abc", "happy:0.5+", "happy sad", "happy:0.5+sad", ":0.5"])
def test_unreadable_specs(spec):
    with pytest.raises(EmotionSpecError):
        _parse(spec)


def test_blend_of_zero_amounts():
    with pytest.raises(EmotionWeightError, match="more than 0"):
        _parse("happy:0+sad:0")
