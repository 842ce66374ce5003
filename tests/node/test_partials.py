"""Partial plates an interrupted run left behind are removed, and nothing else; its unreported plates are its own."""

from __future__ import annotations

from fractions import Fraction

import pytest

from node_helpers import submit_content
from ned_core.io.atomic import atomic_path
from ned_core.io.exr import PlateMetadata, empty_plate, write_face_plate
from ned_node.admission import check_outputs
from ned_node.config import NodeConfig
from ned_node.errors import OutputExistsError
from ned_node.jobspec import plan_job
from ned_node.partials import own_plates, remove_partials


def test_partials_of_unfinished_plates_are_removed_and_nothing_else(roots, tmp_path):
    inp, out = roots
    node = NodeConfig(state_dir=tmp_path / "state", input_roots=(inp,), output_roots=(out,))
    spec = submit_content({"kind": "path", "path": str(inp / "shot.####.png"), "frames": {"first": 1, "last": 3}},
                          {"kind": "path", "directory": str(out), "pattern": "{stem}.ned.####.exr"})
    plan = plan_job(spec, tmp_path / "job", node)
    leftovers = []
    for frame in (2, 3):  # what atomic_path leaves when its process is killed mid-write
        context = atomic_path(plan.plate_path(frame))
        leftovers.append(context.__enter__())
        leftovers[-1].write_bytes(b"half a plate")
    (out / "shot.ned.0001.exr").write_bytes(b"a finished plate")
    other = out / ".other.ned.0002.exr.partial-abc.exr"  # another job's plate being written
    other.write_bytes(b"")
    remove_partials(plan, finished=frozenset({1, 3}))
    assert not leftovers[0].exists() and leftovers[1].exists()  # frame 3 is finished: its file is not ours to touch
    assert other.exists() and (out / "shot.ned.0001.exr").exists()
    assert leftovers[0].name.startswith(".shot.ned.0002.exr.partial-")


def test_a_retry_takes_only_plates_of_its_own_job_as_its_own(roots, tmp_path):
    inp, out = roots
    node = NodeConfig(state_dir=tmp_path / "state", input_roots=(inp,), output_roots=(out,))
    spec = submit_content({"kind": "path", "path": str(inp / "shot.####.png"), "frames": {"first": 1, "last": 5}},
                          {"kind": "path", "directory": str(out), "pattern": "{stem}.ned.####.exr"})
    plan = plan_job(spec, tmp_path / "state" / "jobs" / "j-42", node)
    assert plan.request.job_id == "j-42"

    def plate(frame: int, job: str | None, number: int | None = None) -> None:
        params = {} if job is None else {"job": job}
        write_face_plate(plan.plate_path(frame), empty_plate(frame if number is None else number, (64, 48)),
                         PlateMetadata(fps=Fraction(24), params=params))

    plate(1, "j-42")  # reported before the kill: finished
    plate(2, "j-42")  # put in place, never reported: the retry's own
    plate(3, "j-7")  # another job's
    plate(4, None)  # no job recorded (the CLI)
    plate(5, "j-42", number=9)  # this job's id but another frame's plate
    assert own_plates(plan, frozenset({1})) == {2}
    (out / "shot.ned.0003.exr").unlink()
    (out / "shot.ned.0003.exr").write_bytes(b"not an exr")
    own = frozenset({1}) | own_plates(plan, frozenset({1}))
    assert own == {1, 2}
    with pytest.raises(OutputExistsError, match=r"\(frames 3-5\)"):
        check_outputs(plan, overwrite=False, own=own)
    for frame in (3, 4, 5):
        plan.plate_path(frame).unlink()
    check_outputs(plan, overwrite=False, own=own)
