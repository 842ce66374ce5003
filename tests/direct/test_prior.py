"""Embedded emotion prior: prototype units move, speech (jaw) is preserved, identity at 0, determinism."""

import numpy as np
import pytest
from numpy.lib.stride_tricks import sliding_window_view

from ned_core.direct.config import DirectConfig
from ned_core.direct.director import Director
from ned_core.direct.keys_file import parse_emotion_keys
from ned_core.direct.prior import EmotionPriorDirector
from ned_core.direct.edit import SPEECH_OFFSET_CAP
from ned_core.direct.prototypes import prototype, style_channel_indices
from ned_core.direct.spec import parse_emotion_spec
from ned_core.exceptions import ExpressionValueError, ScheduleTargetError, ShapeError
from ned_core.face3d.channels import CHANNEL_INDEX, EMOTIONS

FRAMES = 240
FIRST = 1001
LAST = FIRST + FRAMES - 1
CONFIG = DirectConfig()
DIRECTOR = EmotionPriorDirector(CONFIG)
JAW = CHANNEL_INDEX["jaw_open"]
LIPS = CHANNEL_INDEX["lips_part"]


def _direct(x, spec):
    return DIRECTOR.direct(x, parse_emotion_spec(spec, FIRST, LAST, CONFIG), seed=0)


def _mean_change(x, y, *names):
    return float(np.mean([(y[:, CHANNEL_INDEX[n]] - x[:, CHANNEL_INDEX[n]]).mean() for n in names]))


@pytest.mark.parametrize("emotion", EMOTIONS[1:])
def test_each_emotion_raises_its_units_and_not_others(emotion, performance):
    x = performance(FRAMES, "neutral", seed=11)
    y = _direct(x, f"{emotion}:1.0")
    change = (y - x).mean(axis=0)
    proto = prototype(emotion)
    for channel in np.flatnonzero(proto):
        assert change[channel] == pytest.approx(proto[channel], abs=0.1)
    assert np.abs(change[proto == 0]).max() < 0.05


def test_sad_source_directed_to_happy(performance):
    x = performance(FRAMES, "sad", 1.0, seed=12)
    y = _direct(x, "happy:1.0")
    assert _mean_change(x, y, "lip_corner_pull_L", "lip_corner_pull_R") > 0.8
    assert _mean_change(x, y, "cheek_raise_L", "cheek_raise_R") > 0.6
    for sad_unit in ("brow_inner_up_L", "brow_inner_up_R", "lip_corner_depress_L", "lip_corner_depress_R"):
        # undone down to the held floor (levels below it are taken for noise or the actor's own face)
        assert _mean_change(x, y, sad_unit) < -0.6 + CONFIG.held_floor
        assert y[:, CHANNEL_INDEX[sad_unit]].mean() < 0.15  # back near the actor's rest


def test_dynamics_ride_on_the_new_level(performance, pcc):
    x = performance(FRAMES, "sad", 1.0, seed=13)
    y = _direct(x, "happy:1.5")
    blinks = [CHANNEL_INDEX["blink_L"], CHANNEL_INDEX["blink_R"]]
    np.testing.assert_array_equal(y[:, blinks], x[:, blinks])
    brow = CHANNEL_INDEX["brow_outer_up_L"]  # emphasis bumps, not part of sad or happy: the held level is
    change = y[:, brow] - x[:, brow]       # undone, the bumps ride on unchanged (a slowly moving offset only)
    assert np.abs(np.diff(change)).max() < 0.02
    inner = CHANNEL_INDEX["brow_inner_up_L"]  # emphasis bumps on a unit sadness used: kept, level lowered
    assert pcc(x[:, inner], y[:, inner]) > 0.9


def test_blend_lies_between_its_parts(performance):
    x = performance(FRAMES, "neutral", seed=14)
    happy, surprised = _direct(x, "happy:1.0") - x, _direct(x, "surprised:1.0") - x
    mixed = _direct(x, "happy:0.6+surprised:0.4") - x
    low, high = np.minimum(happy, surprised).mean(0), np.maximum(happy, surprised).mean(0)
    assert np.all(mixed.mean(0) >= low - 1e-3) and np.all(mixed.mean(0) <= high + 1e-3)
    # linear on the emotion channels; the speech channels' held offset is capped while talking (edit.py)
    style = style_channel_indices()
    np.testing.assert_allclose(mixed.mean(0)[style], (0.6 * happy.mean(0) + 0.4 * surprised.mean(0))[style], atol=0.02)


@pytest.mark.parametrize("source", ["sad", "surprised", "fear"])
@pytest.mark.parametrize("emotion", EMOTIONS)
def test_jaw_correlation_at_full_exaggeration(source, emotion, performance, pcc):
    x = performance(FRAMES, source, 1.0, seed=15)
    y = _direct(x, f"{emotion}:1.5")
    assert pcc(x[:, JAW], y[:, JAW]) >= 0.9
    assert pcc(x[:, LIPS], y[:, LIPS]) >= 0.9


def test_mouth_offsets_follow_the_emotion(performance):
    neutral = performance(FRAMES, "neutral", seed=16)
    opened = _direct(neutral, "surprised:1.0")
    lift = opened[:, JAW].mean() - neutral[:, JAW].mean()  # while talking: a gain, and an offset up to the cap
    assert SPEECH_OFFSET_CAP < lift <= prototype("surprised")[JAW] + 0.03
    surprised = performance(FRAMES, "surprised", 1.0, seed=16)
    closed = _direct(surprised, "neutral:1.0")
    assert closed[:, JAW].mean() < surprised[:, JAW].mean() - 0.3
    assert np.percentile(closed[:, JAW], 5) > -0.06  # closures stay at rest, not forced below it


def test_keyframed_changes_are_smooth_and_hit_the_keys(performance, pcc):
    x = performance(FRAMES, "sad", 1.0, seed=17)
    doc = {
        "schema": "EmotionKeys.1",
        "keys": [
            {"frame": 1001, "emotion": "sad", "intensity": 0.0},
            {"frame": 1080, "emotion": "happy", "intensity": 1.0, "transition": 24},
            {"frame": 1160, "emotion": {"happy": 0.6, "surprised": 0.4}, "intensity": 1.5, "transition": 24},
        ],
    }
    y = DIRECTOR.direct(x, parse_emotion_keys(doc, FIRST, LAST, CONFIG), seed=0)
    np.testing.assert_array_equal(y[:50], x[:50])  # intensity 0 before the first change: untouched
    for frame, spec in ((1080, "happy:1.0"), (1160, "happy:0.9+surprised:0.6")):
        row = frame - FIRST
        np.testing.assert_allclose(y[row], _direct(x, spec)[row], atol=1e-5)
    # per-frame change of the edit <= eased slope (1.5/24 per unit) x largest change of one channel
    # (1.5 of a prototype unit + 1 of the removed source), plus the noise it rides on
    edit = (y - x).astype(np.float64)
    edit[:, [JAW, LIPS]] = 0.0
    assert np.abs(np.diff(edit, axis=0)).max() <= 1.5 / 24 * 2.5 + 0.05
    # the paper's mouth measure: jaw correlation per N-window (windows with speech motion)
    pairs = zip(sliding_window_view(x[:, JAW], 10), sliding_window_view(y[:, JAW], 10))
    assert np.mean([pcc(a, b) for a, b in pairs if a.std() > 0.02]) >= 0.9


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("spec", [f"{e}:0" for e in EMOTIONS])
def test_self_translation_at_intensity_zero_is_exact(dtype, spec, performance):
    x = performance(FRAMES, "sad", 1.0, seed=18).astype(dtype)
    y = _direct(x, spec)
    assert y.dtype == dtype
    assert y.tobytes() == x.tobytes()


def test_deterministic_bytes(performance):
    x = performance(FRAMES, "angry", 0.7, seed=19)
    schedule = parse_emotion_spec("happy:0.6+fear:0.5", FIRST, LAST, CONFIG)
    first = EmotionPriorDirector(CONFIG).direct(x.copy(), schedule, seed=3).tobytes()
    assert EmotionPriorDirector(CONFIG).direct(x.copy(), schedule, seed=3).tobytes() == first
    assert EmotionPriorDirector(CONFIG).direct(x.copy(), schedule, seed=4).tobytes() == first  # no randomness


def test_interface_and_metadata():
    assert isinstance(DIRECTOR, Director)
    meta = DIRECTOR.metadata()
    assert meta["ned/direct/director"] == "emfacs_prior"
    assert all(isinstance(k, str) and isinstance(v, str) and k.startswith("ned/direct/") for k, v in meta.items())


def test_bad_inputs(performance):
    schedule = parse_emotion_spec("happy", FIRST, LAST, CONFIG)
    x = performance(FRAMES, seed=20)
    with pytest.raises(ShapeError, match=r"expected \(240, 27\).*\(239, 27\)"):
        DIRECTOR.direct(x[:-1], schedule, 0)
    with pytest.raises(ShapeError):
        DIRECTOR.direct(x.astype(np.int32), schedule, 0)
    broken = x.copy()
    broken[10, CHANNEL_INDEX["lip_press"]] = np.nan
    with pytest.raises(ExpressionValueError, match="frame 1011, channel lip_press"):
        DIRECTOR.direct(broken, schedule, 0)
    with pytest.raises(ScheduleTargetError, match="reference"):
        DIRECTOR.direct(x, parse_emotion_spec("0.5", FIRST, LAST, CONFIG), 0)
