"""Per-unit overrides on top of an emotion: parsing, errors, easing between keys, and their effect on the face."""

import numpy as np
import pytest

from ned_core.direct import EmotionPriorDirector, parse_emotion_spec
from ned_core.direct.config import DirectConfig
from ned_core.direct.schedule import EmotionKey, EmotionSchedule
from ned_core.direct.units import UNIT_NAMES, check_units_in_model, parse_unit_overrides
from ned_core.exceptions import UnitNotInModelError, UnitOverrideError, UnknownUnitError
from ned_core.face3d.channels import CHANNEL_INDEX, EMOTIONS, NUM_CHANNELS

BROW = [CHANNEL_INDEX["brow_inner_up_L"], CHANNEL_INDEX["brow_inner_up_R"]]


def test_parse_groups_and_channels():
    units = parse_unit_overrides(["brow_inner_up=-0.5", " lip_corner_pull_L = 1.2 ", "brow_inner_up=0.25"])
    assert units == (("brow_inner_up", 0.25), ("lip_corner_pull_L", 1.2))  # sorted; the last value wins
    assert "brow_inner_up" in UNIT_NAMES and "brow_inner_up_L" in UNIT_NAMES


@pytest.mark.parametrize(
    "text, error, pattern",
    [
        ("brow_up=0.5", UnknownUnitError, r"--unit 'brow_up=0.5': unknown unit 'brow_up'; valid units: .*jaw_open"),
        ("brow_inner_up=1.6", UnitOverrideError, r"out of range; give a number in -1.5..1.5"),
        ("brow_inner_up=nan", UnitOverrideError, r"out of range"),
        ("brow_inner_up=high", UnitOverrideError, r"'high' is not a number"),
        ("brow_inner_up", UnitOverrideError, r"write NAME=VALUE"),
    ],
)
def test_bad_overrides_are_named(text, error, pattern):
    with pytest.raises(error, match=pattern):
        parse_unit_overrides([text])


def test_a_unit_the_tier_does_not_have():
    flame_like = ("expr_00", "expr_01", "jaw_open")
    check_units_in_model((("jaw_open", 0.2),), flame_like, "studio")
    with pytest.raises(UnitNotInModelError, match=r"'brow_inner_up' is not in the studio tier's face model.*expr_00"):
        check_units_in_model((("brow_inner_up", 0.2),), flame_like, "studio")


def test_overrides_ease_between_keys_like_the_emotion():
    happy = tuple(float(e == "happy") for e in EMOTIONS)
    keys = (EmotionKey(1, happy, 1.0, 10), EmotionKey(21, happy, 1.0, 10, (("brow_inner_up", -0.5),)))
    sample = EmotionSchedule(keys, 1, 30).sample()
    mask = sample.unit_mask[:, BROW[0]]
    assert mask[:11].max() == 0.0 and mask[20:].min() == 1.0  # off before the change, fully on at its key
    assert np.all(np.diff(mask) >= 0) and 0 < mask[15] < 1  # eased in, never stepped
    np.testing.assert_allclose(sample.unit_values[20:, BROW], -0.5)


def _actor(frames=60):
    """A performance that holds raised inner brows (worried) and talks."""
    x = np.zeros((frames, NUM_CHANNELS))
    x[:, BROW] = 0.6
    x[:, CHANNEL_INDEX["jaw_open"]] = 0.3 * np.abs(np.sin(np.arange(frames) / 3.0))
    return x


def test_an_override_sets_its_unit_on_top_of_the_emotion():
    x = _actor()
    plain = parse_emotion_spec("happy", 0, 59, DirectConfig())
    relaxed = plain.with_units(parse_unit_overrides(["brow_inner_up=0.9"]))
    director = EmotionPriorDirector()
    a, b = director.direct(x, plain, 0), director.direct(x, relaxed, 0)
    np.testing.assert_allclose(b[:, BROW], 0.9, atol=1e-9)  # the held 0.6 undone, the override set
    others = [i for i in range(NUM_CHANNELS) if i not in BROW]
    np.testing.assert_allclose(a[:, others], b[:, others])  # nothing else changes
