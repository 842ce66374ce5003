"""Reference style: extracted from a clip (robust, face-aware), applied like a target emotion."""

import json

import numpy as np
import pytest

from ned_core.direct.config import DirectConfig
from ned_core.direct.director import Director
from ned_core.direct.prototypes import prototype
from ned_core.direct.reference import ReferenceStyleDirector, extract_reference_style
from ned_core.direct.spec import parse_emotion_spec
from ned_core.exceptions import ExpressionValueError, ReferenceTooShortError, ScheduleTargetError, ShapeError
from ned_core.face3d.channels import CHANNEL_INDEX, NUM_CHANNELS

CONFIG = DirectConfig()


def _units(style, *names):
    return np.array([style.offset[CHANNEL_INDEX[n]] for n in names])


def test_clip_holding_an_emotion_gives_that_emotion(performance):
    style = extract_reference_style(performance(150, "happy", 1.0, seed=30), CONFIG)
    assert style.windows == 141 and style.face_frames == 150
    assert np.all(_units(style, "lip_corner_pull_L", "lip_corner_pull_R") > 0.8)
    assert np.all(_units(style, "cheek_raise_L", "cheek_raise_R") > 0.6)
    assert np.all(_units(style, "brow_lower_L", "lip_corner_depress_L", "nose_wrinkle") < 0.1)
    assert _units(style, "blink_L", "blink_R").tolist() == [0.0, 0.0]


def test_surprised_clip_implies_a_jaw_drop_but_not_its_speech(performance):
    style = extract_reference_style(performance(150, "surprised", 1.0, seed=31), CONFIG)
    jaw = style.offset[CHANNEL_INDEX["jaw_open"]]
    assert jaw == pytest.approx(prototype("surprised")[CHANNEL_INDEX["jaw_open"]], abs=0.1)


def test_robust_to_an_outlier_burst(performance):
    clip = performance(200, "sad", 1.0, seed=32)
    burst = clip.copy()
    burst[100:110] += 1.5 * prototype("angry")  # one odd moment in the reference
    clean = extract_reference_style(clip, CONFIG).offset
    odd = extract_reference_style(burst, CONFIG).offset
    mean_shift = np.abs(burst - clip).mean(axis=0).max()  # what a plain mean of the windows would move
    assert np.abs(odd - clean).max() < 0.01 and mean_shift > 0.07


def test_frames_without_a_face_are_skipped(performance):
    clip = performance(60, "angry", 1.0, seed=33)
    has_face = np.ones(60, dtype=bool)
    has_face[20:30] = False
    clip[20:30] = np.nan  # not read
    style = extract_reference_style(clip, CONFIG, has_face)
    assert style.face_frames == 50 and style.windows == (20 - 9) + (30 - 9)
    assert style.offset[CHANNEL_INDEX["brow_lower_L"]] > 0.7


def test_too_few_face_frames(performance):
    with pytest.raises(ReferenceTooShortError, match="N=10"):
        extract_reference_style(performance(9, "happy", seed=34), CONFIG)
    has_face = np.tile([True] * 9 + [False], 5)  # 45 face frames, never 10 in a row
    with pytest.raises(ReferenceTooShortError, match="45 frames with a face out of 50"):
        extract_reference_style(performance(50, "happy", seed=34), CONFIG, has_face)


def test_bad_reference_inputs(performance):
    clip = performance(30, "happy", seed=35)
    with pytest.raises(ShapeError):
        extract_reference_style(clip[:, :5], CONFIG)
    with pytest.raises(ShapeError, match="has_face"):
        extract_reference_style(clip, CONFIG, np.ones(29, dtype=bool))
    clip[12, 3] = np.inf
    with pytest.raises(ExpressionValueError, match="frame 12"):
        extract_reference_style(clip, CONFIG)


def test_applied_like_a_target_emotion(performance, pcc):
    style = extract_reference_style(performance(150, "happy", 1.0, seed=36), CONFIG)
    director = ReferenceStyleDirector(style, CONFIG)
    assert isinstance(director, Director)
    source = performance(120, "sad", 1.0, seed=37)
    y = director.direct(source, parse_emotion_spec("1.0", 1, 120, CONFIG), seed=0)
    smile = CHANNEL_INDEX["lip_corner_pull_L"]
    inner = CHANNEL_INDEX["brow_inner_up_L"]
    assert (y[:, smile] - source[:, smile]).mean() > 0.8
    assert (y[:, inner] - source[:, inner]).mean() < -0.6
    assert pcc(source[:, 0], y[:, 0]) >= 0.9
    untouched = director.direct(source, parse_emotion_spec("0", 1, 120, CONFIG), seed=0)
    assert untouched.tobytes() == source.tobytes()
    again = director.direct(source, parse_emotion_spec("1.0", 1, 120, CONFIG), seed=0)
    assert again.tobytes() == y.tobytes()
    meta = director.metadata()
    assert meta["ned/direct/director"] == "reference_style" and meta["ned/direct/style_windows"] == "141"
    assert len(json.loads(meta["ned/direct/style"])) == NUM_CHANNELS


def test_labels_are_refused_with_a_reference(performance):
    director = ReferenceStyleDirector(extract_reference_style(performance(30, "happy", seed=38), CONFIG), CONFIG)
    with pytest.raises(ScheduleTargetError, match="intensities only"):
        director.direct(performance(30, seed=39), parse_emotion_spec("happy", 1, 30, CONFIG), seed=0)
