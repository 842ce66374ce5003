"""EmotionKeys.2 (and .1) files: written and read back from disk, round trip, unit overrides, every error named."""

import json

import numpy as np
import pytest

from ned_core.direct.config import DirectConfig
from ned_core.direct.keys_file import emotion_keys_doc, load_emotion_keys, parse_emotion_keys
from ned_core.exceptions import (
    EmotionKeysFormatError,
    EmotionWeightError,
    IntensityRangeError,
    KeyFrameRangeError,
    UnitOverrideError,
    UnknownEmotionError,
    UnknownUnitError,
)
from ned_core.face3d.channels import EMOTIONS

CONFIG = DirectConfig(transition_frames=10)
DOC = {
    "schema": "EmotionKeys.1",
    "keys": [
        {"frame": 1040, "emotion": {"happy": 0.6, "surprised": 0.4}, "intensity": 1.0, "transition": 8},
        {"frame": 1001, "emotion": "happy", "intensity": 0.5},
    ],
}


def _write(tmp_path, doc):
    path = tmp_path / "keys.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_load_from_disk(tmp_path):
    schedule = load_emotion_keys(_write(tmp_path, DOC), 1001, 1100, CONFIG)
    assert [k.frame for k in schedule.keys] == [1001, 1040]  # sorted
    assert [k.transition for k in schedule.keys] == [10, 8]  # config default, then per-key
    weights, intensity = schedule.at(1040)
    assert intensity == 1.0
    assert weights[EMOTIONS.index("happy")] == pytest.approx(0.6)
    assert weights[EMOTIONS.index("surprised")] == pytest.approx(0.4)
    assert schedule.at(1020)[1] == 0.5  # held until the transition into 1040 starts (1032)


def test_round_trip(tmp_path):
    schedule = load_emotion_keys(_write(tmp_path, DOC), 1001, 1100, CONFIG)
    again = load_emotion_keys(_write(tmp_path, emotion_keys_doc(schedule)), 1001, 1100, DirectConfig())
    a, b = schedule.sample(), again.sample()
    np.testing.assert_allclose(a.weights, b.weights, atol=1e-12)
    np.testing.assert_allclose(a.intensity, b.intensity, atol=1e-12)


def test_intensity_only_keys_and_defaults():
    doc = {"schema": "EmotionKeys.1", "transition": 4, "ease": "cosine", "keys": [{"frame": 1010}]}
    schedule = parse_emotion_keys(doc, 1001, 1100, CONFIG)
    assert not schedule.labelled and schedule.ease == "cosine"
    assert schedule.keys[0].intensity == 1.0 and schedule.keys[0].transition == 4


def _bad(**change):
    doc = json.loads(json.dumps(DOC))
    doc["keys"][0].update(change)
    return doc


@pytest.mark.parametrize(
    "doc, error, pattern",
    [
        (_bad(emotion="joy"), UnknownEmotionError, r"key 0 \(frame 1040\).*'joy'.*neutral, happy, sad"),
        (_bad(intensity=1.8), IntensityRangeError, r"key 0 \(frame 1040\), field 'intensity'.*1.8"),
        (_bad(intensity="high"), IntensityRangeError, r"frame 1040.*'high'"),
        (_bad(emotion={"happy": 0, "sad": 0}), EmotionWeightError, r"frame 1040.*more than 0"),
        (_bad(emotion={"happy": -1, "sad": 2}), EmotionWeightError, r"frame 1040.*'happy'"),
        (_bad(frame=1200), KeyFrameRangeError, r"keys.json: key frame 1200 is outside the shot 1001-1100"),
        (_bad(frame=999), KeyFrameRangeError, r"999"),
        (_bad(frame=1001), EmotionKeysFormatError, r"frame 1001 is keyed twice"),
        (_bad(frame="1040"), EmotionKeysFormatError, r"integer 'frame'"),
        (_bad(intesity=1.0), EmotionKeysFormatError, r"unknown field.*intesity"),
        (_bad(transition=0), EmotionKeysFormatError, r"transition"),
        (_bad(emotion=["happy"]), EmotionKeysFormatError, r"'emotion' must be"),
        ({"schema": "EmotionKeys.3", "keys": []}, EmotionKeysFormatError, r"EmotionKeys.1, EmotionKeys.2"),
        (_bad(units={"brow_inner_up": 0.5}), EmotionKeysFormatError, r"unknown field.*units.*EmotionKeys.1"),
        ({"schema": "EmotionKeys.1", "keys": []}, EmotionKeysFormatError, r"non-empty"),
        ({"schema": "EmotionKeys.1", "keys": [{"frame": 1001}], "extra": 1}, EmotionKeysFormatError, r"extra"),
        ([1, 2], EmotionKeysFormatError, r"schema"),
        (
            {"schema": "EmotionKeys.1", "keys": [{"frame": 1001}, {"frame": 1010, "emotion": "sad"}]},
            EmotionKeysFormatError,
            r"either every key",
        ),
    ],
)
def test_errors_name_the_file_key_and_field(tmp_path, doc, error, pattern):
    with pytest.raises(error, match=pattern):
        load_emotion_keys(_write(tmp_path, doc), 1001, 1100, CONFIG)


def test_unreadable_files(tmp_path):
    with pytest.raises(EmotionKeysFormatError, match="missing.json"):
        load_emotion_keys(tmp_path / "missing.json", 1001, 1100, CONFIG)
    broken = tmp_path / "broken.json"
    broken.write_text("{\"schema\": ", encoding="utf-8")
    with pytest.raises(EmotionKeysFormatError, match="broken.json"):
        load_emotion_keys(broken, 1001, 1100, CONFIG)


DOC2 = {
    "schema": "EmotionKeys.2",
    "keys": [
        {"frame": 1001, "emotion": "happy", "units": {"brow_inner_up": -0.5}},
        {"frame": 1040, "emotion": "sad", "intensity": 1.2, "units": {"lip_corner_depress_L": 1.0}},
    ],
}


def test_units_round_trip_through_disk(tmp_path):
    schedule = load_emotion_keys(_write(tmp_path, DOC2), 1001, 1100, CONFIG)
    assert schedule.keys[0].units == (("brow_inner_up", -0.5),)
    doc = emotion_keys_doc(schedule)
    assert doc["schema"] == "EmotionKeys.2" and doc["keys"][1]["units"] == {"lip_corner_depress_L": 1.0}
    again = load_emotion_keys(_write(tmp_path, doc), 1001, 1100, CONFIG)
    a, b = schedule.sample(), again.sample()
    np.testing.assert_allclose(a.unit_values, b.unit_values, atol=1e-12)
    np.testing.assert_allclose(a.unit_mask, b.unit_mask, atol=1e-12)


@pytest.mark.parametrize(
    "units, error, pattern",
    [
        ({"brow_up": 0.5}, UnknownUnitError, r"key 0 \(frame 1001\).*'brow_up'.*valid units:.*brow_inner_up"),
        ({"brow_inner_up": 2.0}, UnitOverrideError, r"brow_inner_up = 2.0 is out of range.*-1.5..1.5"),
        ({"brow_inner_up": "up"}, UnitOverrideError, r"out of range"),
        (["brow_inner_up"], EmotionKeysFormatError, r"'units' must be"),
    ],
)
def test_unit_errors_name_the_key(tmp_path, units, error, pattern):
    doc = json.loads(json.dumps(DOC2))
    doc["keys"][0]["units"] = units
    with pytest.raises(error, match=pattern):
        load_emotion_keys(_write(tmp_path, doc), 1001, 1100, CONFIG)
