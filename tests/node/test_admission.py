"""Submit-time checks: sources readable inside the roots (frame files included), plates never clobbered."""

from __future__ import annotations

import pytest

from node_helpers import submit_content, write_shot
from ned_node.admission import check_emotion, check_outputs, check_reference, check_source
from ned_node.config import NodeConfig
from ned_node.errors import JobRequestError, NotAvailableError, OutputExistsError, PathNotAllowedError, SourceCheckError
from ned_node.jobspec import plan_job


@pytest.fixture
def node(roots, tmp_path):
    inp, out = roots
    return NodeConfig(state_dir=tmp_path / "state", input_roots=(inp,), output_roots=(out,))


def _plan(node, tmp_path, source_path, first, last, directory, **fields):
    spec = submit_content({"kind": "path", "path": source_path, "frames": {"first": first, "last": last}},
                          {"kind": "path", "directory": str(directory)}, **fields)
    return plan_job(spec, tmp_path / "job", node)


def test_a_readable_sequence_passes(roots, node, tmp_path):
    pattern = write_shot(roots[0] / "sh010", range(1, 4), size=32)
    info = check_source(_plan(node, tmp_path, pattern, 1, 3, roots[1]), node)
    assert (info.frames, info.width) == ((1, 2, 3), 32)


def test_missing_frames_and_files_are_source_errors(roots, node, tmp_path):
    pattern = write_shot(roots[0] / "sh010", range(1, 4), size=32)
    with pytest.raises(SourceCheckError, match="outside the sequence") as err:
        check_source(_plan(node, tmp_path, pattern, 1, 5, roots[1]), node)
    assert err.value.code == "source_error"
    with pytest.raises(SourceCheckError, match="no files match"):
        check_source(_plan(node, tmp_path, str(roots[0] / "none.####.exr"), 1, 2, roots[1]), node)


def test_a_frame_symlinked_out_of_the_root_is_refused(roots, node, tmp_path):
    outside = write_shot(tmp_path / "private", range(2, 3), size=32, name="secret")
    pattern = write_shot(roots[0] / "sh010", range(1, 2), size=32)
    (roots[0] / "sh010" / "shot.0002.png").symlink_to(outside.replace("####", "0002"))
    with pytest.raises(PathNotAllowedError, match="outside the node's input roots"):
        check_source(_plan(node, tmp_path, pattern, 1, 2, roots[1]), node)


def test_existing_plates_need_overwrite(roots, node, tmp_path):
    pattern = write_shot(roots[0] / "sh010", range(1, 3), size=32)
    folder = roots[1] / "v001"
    folder.mkdir()
    (folder / "face.0002.exr").write_bytes(b"an earlier plate")
    plan = _plan(node, tmp_path, pattern, 1, 2, folder)
    with pytest.raises(OutputExistsError, match=r"frames 2\b") as err:
        check_outputs(plan, overwrite=False)
    assert err.value.code == "output_error"
    check_outputs(plan, overwrite=True)
    (folder / "face.0001.exr").symlink_to(tmp_path / "victim.exr")
    with pytest.raises(PathNotAllowedError, match="symlinks"):
        check_outputs(plan, overwrite=True)


def test_plate_patterns_follow_the_pipeline_naming(roots, node, tmp_path):
    pattern = write_shot(roots[0] / "sh010", range(1, 3), size=32)
    for name in ("face.%04d.exr", "face.##.##.exr"):
        bad = plan_job(submit_content({"kind": "path", "path": pattern, "frames": {"first": 1, "last": 2}},
                                      {"kind": "path", "directory": str(roots[1]), "pattern": name}),
                       tmp_path / "job", node)
        with pytest.raises(JobRequestError, match="one run of '#'"):
            check_outputs(bad, overwrite=False)


def test_an_output_folder_under_a_file_is_an_output_error(roots, node, tmp_path):
    pattern = write_shot(roots[0] / "sh010", range(1, 2), size=32)
    (roots[1] / "not_a_folder").write_bytes(b"")
    with pytest.raises(OutputExistsError, match="not a writable folder"):
        plan = _plan(node, tmp_path, pattern, 1, 1, roots[1] / "not_a_folder" / "v001")
        check_outputs(plan, overwrite=False)


def test_emotion_keys_outside_the_frames_are_refused(roots, node, tmp_path):
    pattern = write_shot(roots[0] / "sh010", range(1, 3), size=32)
    check_emotion(_plan(node, tmp_path, pattern, 1, 2, roots[1], emotion={"keys": [{"frame": 2, "emotion": "sad"}]}))
    with pytest.raises(JobRequestError, match="content.emotion") as err:
        check_emotion(_plan(node, tmp_path, pattern, 1, 2, roots[1],
                            emotion={"keys": [{"frame": 9, "emotion": "sad"}]}))
    assert err.value.details["field"] == "content.emotion"


def test_a_reference_clip_is_checked_like_a_source(roots, node, tmp_path):
    pattern = write_shot(roots[0] / "sh010", range(1, 3), size=32)
    reference = write_shot(roots[0] / "ref", range(1, 6), size=32, name="ref")
    plan = _plan(node, tmp_path, pattern, 1, 2, roots[1],
                 emotion={"reference": {"path": reference, "frames": {"first": 2, "last": 4}}})
    assert plan.request.reference.endswith("ref.2-4%04d.png")
    check_reference(plan, node, (2, 3, 4))
    still = roots[0] / "ref" / "ref.0001.png"
    plan = _plan(node, tmp_path, pattern, 1, 2, roots[1],
                 emotion={"reference": {"path": str(still), "frames": {"first": 1, "last": 3}}})
    with pytest.raises(NotAvailableError, match="used whole"):
        check_reference(plan, node, (1, 2, 3))
