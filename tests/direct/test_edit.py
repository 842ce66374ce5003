"""Speech channels under a change of mouth opening: offsets and gains only, never a reshape."""

import numpy as np
import pytest

from ned_core.direct.config import DirectConfig
from ned_core.direct.edit import redirect
from ned_core.face3d.channels import CHANNEL_INDEX, NUM_CHANNELS

JAW = CHANNEL_INDEX["jaw_open"]


def _speaker(frames=200, rest=0.0):
    t = np.arange(frames) / 24.0
    x = np.zeros((frames, NUM_CHANNELS))
    x[:, JAW] = rest + 0.4 * np.abs(np.sin(2 * np.pi * 2.0 * t))
    return x


def _jaw_target(frames, value):
    target = np.zeros((frames, NUM_CHANNELS))
    target[:, JAW] = value
    return target


def test_more_opening_is_a_constant_offset():
    x = _speaker()
    y = redirect(x, _jaw_target(200, 0.3), np.zeros(200), DirectConfig())
    np.testing.assert_allclose(y[:, JAW] - x[:, JAW], 0.3, atol=1e-12)


def test_less_opening_lowers_the_held_level_first():
    x = _speaker(rest=0.25)  # mouth held open 0.25 under the speech
    y = redirect(x, _jaw_target(200, -0.2), np.zeros(200), DirectConfig())
    np.testing.assert_allclose(y[:, JAW] - x[:, JAW], -0.2, atol=1e-12)


@pytest.mark.parametrize("min_gain", [0.5, 0.8])
def test_what_the_held_level_cannot_absorb_becomes_a_bounded_gain(min_gain):
    x = _speaker(rest=0.0)
    y = redirect(x, _jaw_target(200, -0.5), np.zeros(200), DirectConfig(min_speech_gain=min_gain))
    ratio = y[:, JAW][x[:, JAW] > 0.05] / x[:, JAW][x[:, JAW] > 0.05]
    np.testing.assert_allclose(ratio, min_gain, rtol=0.05)
    assert np.corrcoef(x[:, JAW], y[:, JAW])[0, 1] > 0.99


def test_emotion_channels_never_go_below_rest_or_the_source():
    x = _speaker()
    target = np.zeros((200, NUM_CHANNELS))
    target[:, CHANNEL_INDEX["nose_wrinkle"]] = -2.0
    y = redirect(x, target, np.zeros(200), DirectConfig())
    assert y[:, CHANNEL_INDEX["nose_wrinkle"]].min() == 0.0
