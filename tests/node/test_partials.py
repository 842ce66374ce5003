"""Partial plates an interrupted run left behind are removed, and nothing else."""

from __future__ import annotations

from node_helpers import submit_content
from ned_core.io.atomic import atomic_path
from ned_node.config import NodeConfig
from ned_node.partials import remove_partials
from ned_node.jobspec import plan_job


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
