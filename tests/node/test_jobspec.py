"""Submitted content -> RenderRequest and NedConfig: emotions, keys, frames, paths, options the node refuses."""

from __future__ import annotations

import numpy as np
import pytest

from node_helpers import submit_content
from ned_core.direct.config import DirectConfig
from ned_core.direct.keys_file import parse_emotion_keys
from ned_core.direct.spec import parse_emotion_spec
from ned_core.face3d.channels import EMOTIONS
from ned_node.config import NodeConfig
from ned_node.errors import JobRequestError, NotAvailableError, PathNotAllowedError
from ned_node.jobspec import emotion_spec, plan_job


@pytest.fixture
def node(roots, tmp_path):
    inp, out = roots
    return NodeConfig(state_dir=tmp_path / "state", input_roots=(inp,), output_roots=(out,))


def _path_job(roots, **fields):
    inp, out = roots
    return submit_content({"kind": "path", "path": str(inp / "a.####.exr"), "frames": {"first": 1001, "last": 1010,
                                                                                        "step": 3}},
                          {"kind": "path", "directory": str(out / "v001")}, **fields)


def test_a_path_job_becomes_a_render_request(roots, node, tmp_path):
    spec = _path_job(roots, compression="zip", full_frame=True, face_track={"select": "track", "track_id": 2},
                     emotion={"target": "sad", "intensity": 0.5, "seed": 9})
    plan = plan_job(spec, tmp_path / "job", node)
    request = plan.request
    assert plan.frames == (1001, 1004, 1007, 1010)
    assert request.frames == "1001-1010x3"
    assert request.source == str(roots[0] / "a.####.exr")
    assert (request.out_dir, request.pattern) == (str(roots[1] / "v001"), "face.####.exr")
    assert (request.emotion, request.keys, request.track, request.seed) == ("sad:0.5", None, 2, 9)
    assert (plan.config.plates.compression, plan.config.plates.full_frame) == ("zip", True)
    assert plan.config.plates.stmap is False
    assert plan_job(_path_job(roots, stmap=True), tmp_path / "job2", node).config.plates.stmap is True  # 1.3
    assert plan.config.cache_dir == tmp_path / "state" / "analysis-cache"
    assert not plan.inline_source and not plan.inline_output


@pytest.mark.parametrize("target, intensity", [("happy", 1.0), ("happy", 0.8), ({"happy": 3, "surprised": 1}, 1.2),
                                               ({"fear": 1}, 1.0), ({"angry": 0.5, "sad": 0.0}, 0.3)])
def test_emotion_specs_read_back_as_sent(target, intensity):
    schedule = parse_emotion_spec(emotion_spec(target, intensity), 1, 1, DirectConfig())
    key = schedule.keys[0]
    blend = {target: 1.0} if isinstance(target, str) else {k: v / sum(target.values()) for k, v in target.items()}
    assert key.intensity == pytest.approx(intensity)
    np.testing.assert_allclose(key.weights, [blend.get(label, 0.0) for label in EMOTIONS], atol=1e-12)


def test_plain_labels_stay_plain():
    assert emotion_spec("happy", 1.0) == "happy"
    assert emotion_spec({"happy": 2.0}, 1.0) == "happy"


def test_keys_become_an_emotion_keys_document(roots, node, tmp_path):
    emotion = {"target": "happy", "ease": "cosine", "transition": 4,
               "keys": [{"frame": 1001, "intensity": 0.0}, {"frame": 1007, "emotion": {"sad": 1.0}, "transition": 2}]}
    request = plan_job(_path_job(roots, emotion=emotion), tmp_path / "job", node).request
    assert request.emotion is None and request.director == "prior" and request.checkpoint is None
    schedule = parse_emotion_keys(request.keys, 1001, 1010, DirectConfig())
    assert [k.frame for k in schedule.keys] == [1001, 1007]
    assert schedule.keys[0].weights[EMOTIONS.index("happy")] == 1.0  # the target fills keys without an emotion
    assert schedule.keys[1].transition == 2 and schedule.keys[0].transition == 4 and schedule.ease == "cosine"


def test_unit_overrides_reach_the_schedule(roots, node, tmp_path):
    """1.3: the map's units apply to every key, a key's own units win there, and override values arrive as sent."""
    from ned_core.direct.units import UNIT_NAMES
    from ned_core.pipeline.directing import build_schedule
    from ned_protocol.messages import UNITS

    assert UNITS == UNIT_NAMES  # the host panels' list is the embedded tier's
    emotion = {"target": "happy", "units": {"brow_inner_up": -0.5},
               "keys": [{"frame": 1001, "intensity": 1.0},
                        {"frame": 1007, "units": {"brow_inner_up": 0.25, "jaw_open": 0.1}, "transition": 1}]}
    plan = plan_job(_path_job(roots, emotion=emotion), tmp_path / "job", node)
    assert plan.request.keys["schema"] == "EmotionKeys.2" and plan.request.units == ("brow_inner_up=-0.5",)
    schedule = build_schedule(plan.request, 1001, 1010, plan.config)
    assert [dict(k.units) for k in schedule.keys] == [{"brow_inner_up": -0.5},
                                                      {"brow_inner_up": 0.25, "jaw_open": 0.1}]
    static = plan_job(_path_job(roots, emotion={"target": "sad", "units": {"lip_corner_depress_L": 1.2}}),
                      tmp_path / "job2", node).request
    assert static.keys is None and static.emotion == "sad" and static.units == ("lip_corner_depress_L=1.2",)


def test_bad_unit_overrides_are_named(roots, node, tmp_path):
    from ned_node.admission import check_emotion
    from ned_protocol import InvalidFieldError

    with pytest.raises(InvalidFieldError, match=r"content.emotion.units.brow_inner_up: expected a finite number "
                                                r"in \[-1.5, 1.5\], got 2.0"):
        _path_job(roots, emotion={"target": "happy", "units": {"brow_inner_up": 2.0}})
    with pytest.raises(InvalidFieldError, match=r"content.emotion.keys\[0\].units.jaw_open: .*-1.5, 1.5.*got -1.6"):
        _path_job(roots, emotion={"target": "happy", "keys": [{"frame": 1001, "units": {"jaw_open": -1.6}}]})
    for emotion in ({"target": "happy", "units": {"brow_up": 0.5}},
                    {"target": "happy", "keys": [{"frame": 1001, "units": {"brow_up": 0.5}}]}):
        plan = plan_job(_path_job(roots, emotion=emotion), tmp_path / "job", node)
        with pytest.raises(JobRequestError, match=r"unknown unit 'brow_up'; valid units: .*brow_inner_up") as err:
            check_emotion(plan)
        assert err.value.details["field"] == "content.emotion"


def test_a_reference_job(roots, node, tmp_path):
    inp, _ = roots
    emotion = {"reference": {"path": str(inp / "ref.mov"), "frames": {"first": 0, "last": 9}}, "intensity": 0.7}
    request = plan_job(_path_job(roots, emotion=emotion), tmp_path / "job", node).request
    assert (request.reference, request.emotion) == (str(inp / "ref.mov"), "0.7")


def test_inline_jobs_use_the_job_folder(node, tmp_path):
    spec = submit_content({"kind": "inline", "frames": {"first": 1, "last": 2}, "width": 8, "height": 4,
                           "channels": 3, "dtype": "uint8", "colorspace": "sRGB"}, {"kind": "inline"})
    plan = plan_job(spec, tmp_path / "job", node)
    assert plan.request.source == str(tmp_path / "job" / "input" / "src.####.tif")
    assert plan.request.out_dir == str(tmp_path / "job" / "plates")
    assert plan.config.colour.input_space == "sRGB"
    assert plan.inline_source and plan.inline_output


@pytest.mark.parametrize("fields, error, field", [
    ({"emotion": {"target": "happy", "tier": "studio"}}, NotAvailableError, "content.emotion.tier"),
    ({"emotion": {"target": "happy", "director": "stargan"}}, NotAvailableError, "content.emotion.director"),
    ({"face_track": {"select": "boxes", "boxes": [{"frame": 1001, "box": [0, 0, 9, 9]}]}}, NotAvailableError,
     "content.face_track.select"),
    ({"compression": "lzma"}, JobRequestError, "content.compression"),
    ({"emotion": {"target": {"happy": 0.0}}}, JobRequestError, "content.emotion.target"),
])
def test_options_the_node_cannot_honour(roots, node, tmp_path, fields, error, field):
    with pytest.raises(error) as err:
        plan_job(_path_job(roots, **fields), tmp_path / "job", node)
    assert err.value.details["field"] == field


def test_output_patterns_must_be_plain_exr_names(roots, node, tmp_path):
    inp, out = roots
    source = {"kind": "path", "path": str(inp / "a.####.exr"), "frames": {"first": 1, "last": 2}}
    spec = submit_content(source, {"kind": "path", "directory": str(out), "pattern": "../face.####.exr"})
    with pytest.raises(PathNotAllowedError):
        plan_job(spec, tmp_path / "job", node)


def test_preview_composite_start_frame_and_the_learned_director(roots, tmp_path):
    inp, out = roots
    node = NodeConfig(state_dir=tmp_path, input_roots=(inp,), output_roots=(out,), manipulator=inp / "m.pt")
    spec = submit_content({"kind": "path", "path": str(inp / "a.mov"), "frames": {"first": 1001, "last": 1002},
                           "start_frame": 1001},
                          {"kind": "path", "directory": str(out), "preview": True, "composite": True},
                          emotion={"target": "happy", "director": "learned"})
    request = plan_job(spec, tmp_path / "job", node).request
    assert (request.start_frame, request.preview, request.composite) == (1001, True, True)
    assert (request.director, request.checkpoint) == ("learned", str(inp / "m.pt"))


def test_too_many_frames(roots, tmp_path):
    inp, out = roots
    node = NodeConfig(state_dir=tmp_path, input_roots=(inp,), output_roots=(out,), max_frames_per_job=5)
    with pytest.raises(JobRequestError, match="at most 5"):
        plan_job(_path_job(roots) | {"source": {**_path_job(roots)["source"], "frames": {"first": 1, "last": 9,
                                                                                          "step": 1}}}, tmp_path, node)
