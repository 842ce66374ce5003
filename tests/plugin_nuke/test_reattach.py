"""Re-opening a script whose NED node's job still runs on the node follows that job again (fake Nuke, real node)."""

from __future__ import annotations

import os
import time

from node_helpers import path_source, write_shot
from ned_protocol import NodeClient


def _wait(nuke, predicate, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate() and time.monotonic() < deadline:
        nuke.run_main_thread_tasks()
        time.sleep(0.02)
    nuke.run_main_thread_tasks()
    assert predicate()


def _saved_script_with_job(nuke, node, shot: str, out_dir: str, job_id: str, path: str) -> None:
    """A script as Nuke left it after Render: the NED node knows its job id (the node keeps rendering)."""
    from ned_nuke.node_builder import create_ned_node

    group = create_ned_node()
    group.setInput(0, nuke.nodes.Read(file=shot, first=1001, last=1008))
    group["output_dir"].setValue(out_dir)
    group["node_address"].setValue(node.address)
    group["job_id"].setValue(job_id)
    nuke.scriptSave(path)


def test_reopening_a_script_reattaches_to_the_running_job_and_loads_its_plates(nuke, slow_node, tmp_path):
    import ned_nuke.callbacks as callbacks
    import ned_nuke.render as render

    node, inp, out = slow_node
    shot = write_shot(inp / tmp_path.name, range(1001, 1009), size=64)
    out_dir = out / tmp_path.name
    with NodeClient(node.address) as client:  # the session that pressed Render, then quit
        job = client.submit(path_source(shot, 1001, 1008), {"target": "happy"},
                            {"kind": "path", "directory": str(out_dir), "pattern": "NED1.####.exr"})
    script = str(tmp_path / "comp.nk")
    _saved_script_with_job(nuke, node, shot, str(out_dir), job["job_id"], script)
    nuke.reset(gui=True)  # a new Nuke session
    callbacks.register_callbacks(nuke)
    nuke.scriptOpen(script)
    group = nuke.toNode("NED1")
    runner = render.running_job(group)
    assert runner is not None and runner.job_id == job["job_id"] and runner.request is None
    _wait(nuke, lambda: group["status"].value().startswith(("render:", "done")))
    assert group["status"].value().startswith("render:")
    assert len(os.listdir(out_dir)) < 8  # followed while the node was still rendering
    _wait(nuke, lambda: not runner.running())
    assert runner.outcome == "done" and group["status"].value().startswith("done: 8 frames")
    read = group.node("PlateRead")
    assert read["file"].value() == f"{out_dir}/NED1.%04d.exr" and (read["first"].value(), read["last"].value()) == (1001, 1008)
    assert render.running_job(group) is None
    nuke.scriptOpen(script)  # all plates on disk now: no job followed, nothing rendered
    assert render.running_job(nuke.toNode("NED1")) is None
    assert nuke.toNode("NED1")["status"].value() == "8 plates found on disk (1001-1008)"


def test_reopening_in_the_same_session_moves_the_running_job_to_the_reopened_node(nuke, slow_node, tmp_path):
    import ned_nuke.callbacks as callbacks
    import ned_nuke.render as render
    from ned_nuke.node_builder import create_ned_node

    node, inp, out = slow_node
    shot = write_shot(inp / tmp_path.name, range(1001, 1007), size=64)
    callbacks.register_callbacks(nuke)
    group = create_ned_node()
    group.setInput(0, nuke.nodes.Read(file=shot, first=1001, last=1006))
    group["output_dir"].setValue(str(out / tmp_path.name))
    group["node_address"].setValue(node.address)
    group["render"].execute()
    runner = render.running_job(group)
    _wait(nuke, lambda: group["job_id"].value() != "")
    script = str(tmp_path / "comp.nk")
    nuke.scriptSave(script)
    nuke.scriptClear()
    nuke.scriptOpen(script)
    reopened = nuke.toNode("NED1")
    assert render.running_job(reopened) is runner  # one runner, not a second one on the same job
    _wait(nuke, lambda: not runner.running())
    assert runner.outcome == "done" and reopened["status"].value().startswith("done: 6 frames")
    assert reopened.node("PlateRead")["last"].value() == 1006
    assert render.running_job(reopened) is None
