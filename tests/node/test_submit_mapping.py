"""`ned submit` sends what `ned render` would render: its options -> protocol -> the node's RenderRequest."""

from __future__ import annotations

import json

import pytest

from node_helpers import submit_content, write_shot
from ned_core.cli.render_cmd import request_from_options
from ned_core.cli.submit_cmd import _emotion, _frames_of, face_track_of
from ned_core.direct.config import DirectConfig
from ned_core.direct.keys_file import emotion_keys_doc, parse_emotion_keys
from ned_core.exceptions import EmotionKeysFormatError, EmotionSpecError
from ned_node.config import NodeConfig
from ned_node.jobspec import plan_job


@pytest.fixture
def setup(roots, tmp_path):
    inp, out = roots
    shot = write_shot(inp / "sh010", range(1001, 1005), size=32)
    node = NodeConfig(state_dir=tmp_path / "state", input_roots=(inp,), output_roots=(out,))
    return shot, node, out


def _node_request(setup, tmp_path, emotion=None, keys_file=None, reference=None, seed=0, frames=None):
    shot, node, out = setup
    span = _frames_of(shot, frames, None, "SOURCE")
    content = submit_content({"kind": "path", "path": shot, "frames": span},
                             {"kind": "path", "directory": str(out), "pattern": "{stem}.ned.####.exr"},
                             emotion=_emotion(emotion, keys_file, reference, seed, "prior", span))
    return plan_job(content, tmp_path / "job", node).request


def _render_request(setup, emotion=None, keys_file=None, reference=None, seed=0):
    shot, _, out = setup
    return request_from_options(shot, None, None, emotion, keys_file, reference, None, seed, "prior", None, out,
                                "{stem}.ned.####.exr", False, False)


@pytest.mark.parametrize("spec", ["happy", "happy:0.8", "sad:1.5", "happy:0.6+surprised:0.4", "fear:0.25+angry:0.5"])
def test_emotion_specs_arrive_as_typed(setup, tmp_path, spec):
    node = _node_request(setup, tmp_path, emotion=spec, seed=7)
    local = _render_request(setup, emotion=spec, seed=7)
    assert (node.emotion, node.keys, node.seed, node.director) == (local.emotion, local.keys, 7, "prior")
    assert node.frames == "1001-1004" and node.pattern == local.pattern


def test_keys_files_give_the_same_schedule(setup, tmp_path):
    doc = {"schema": "EmotionKeys.1", "transition": 3, "ease": "cosine",
           "keys": [{"frame": 1001, "emotion": "happy", "intensity": 0.2},
                    {"frame": 1003, "emotion": {"sad": 2, "fear": 1}, "transition": 2}]}
    keys_file = tmp_path / "keys.json"
    keys_file.write_text(json.dumps(doc))
    node = _node_request(setup, tmp_path, keys_file=keys_file)
    local = _render_request(setup, keys_file=keys_file)
    schedules = [parse_emotion_keys(r.keys, 1001, 1004, DirectConfig()) for r in (node, local)]
    assert emotion_keys_doc(schedules[0]) == emotion_keys_doc(schedules[1])


def test_bad_options_fail_on_the_client_as_in_ned_render(setup, tmp_path):
    with pytest.raises(EmotionSpecError):
        _node_request(setup, tmp_path, emotion="happy:lots")
    keys_file = tmp_path / "keys.json"
    keys_file.write_text(json.dumps({"schema": "EmotionKeys.1", "keys": [{"frame": 1001, "intensity": 0.5,
                                                                           "intesity": 1}]}))
    with pytest.raises(EmotionKeysFormatError, match="unknown field"):
        _node_request(setup, tmp_path, keys_file=keys_file)


def test_a_reference_clip_is_sent_whole(setup, tmp_path):
    shot, _, _ = setup
    reference = write_shot(setup[1].input_roots[0] / "ref", range(1, 4), size=32, name="ref")
    node = _node_request(setup, tmp_path, reference=reference, emotion="0.7")
    assert node.reference.endswith("ref.1-3%04d.png") and node.emotion == "0.7"


@pytest.mark.parametrize("track, character, edits", [
    ("all", None, None), (None, "all", None), (3, None, None), (None, 1, None),
    (None, 2, {"schema": "NedCharacterEdits.1", "merge": [[0, 5]], "split": [4]}),
])
def test_face_choices_arrive_as_ned_render_would_use_them(setup, tmp_path, track, character, edits):
    shot, node, out = setup
    edits_file = None
    if edits is not None:
        edits_file = tmp_path / "edits.json"
        edits_file.write_text(json.dumps(edits))
    span = _frames_of(shot, None, None, "SOURCE")
    content = submit_content({"kind": "path", "path": shot, "frames": span},
                             {"kind": "path", "directory": str(out), "pattern": "{stem}.ned.####.exr"},
                             emotion=_emotion("happy", None, None, 0, "prior", span),
                             face_track=face_track_of(track, character, edits_file))
    remote = plan_job(content, tmp_path / "job", node).request
    local = request_from_options(shot, None, None, "happy", None, None, track, 0, "prior", None, out,
                                 "{stem}.ned.####.exr", False, False, character=character, edits_file=edits_file)
    assert (remote.track, remote.character, remote.character_edits) == (local.track, local.character,
                                                                        local.character_edits)


def test_unit_overrides_give_the_same_schedule(setup, tmp_path):
    """`--unit` and EmotionKeys.2 per-key units travel as protocol 1.3 units and direct exactly as `ned render`."""
    from ned_core.pipeline.config import NedConfig
    from ned_core.pipeline.directing import build_schedule

    shot, node_config, out = setup
    doc = {"schema": "EmotionKeys.2", "keys": [{"frame": 1001, "emotion": "happy"},
                                               {"frame": 1003, "emotion": "sad", "units": {"jaw_open": 0.3}}]}
    keys_file = tmp_path / "keys.json"
    keys_file.write_text(json.dumps(doc))
    units = ("brow_inner_up=-0.5", "jaw_open=0.1")
    for emotion, keys in (("happy:0.8", None), (None, keys_file)):
        span = _frames_of(shot, None, None, "SOURCE")
        content = submit_content({"kind": "path", "path": shot, "frames": span},
                                 {"kind": "path", "directory": str(out), "pattern": "{stem}.ned.####.exr"},
                                 emotion=_emotion(emotion, keys, None, 0, "prior", span, units))
        node = plan_job(content, tmp_path / "job", node_config).request
        local = request_from_options(shot, None, None, emotion, keys, None, None, 0, "prior", None, out,
                                     "{stem}.ned.####.exr", False, False, units)
        schedules = [build_schedule(r, 1001, 1004, NedConfig()) for r in (node, local)]
        assert emotion_keys_doc(schedules[0]) == emotion_keys_doc(schedules[1])
        assert dict(schedules[0].keys[-1].units)["brow_inner_up"] == -0.5
    assert dict(schedules[0].keys[-1].units)["jaw_open"] == 0.3  # the key's own override wins
