"""Rendering NED nodes in (fake) Nuke against a real `ned node serve` over loopback sockets."""

from __future__ import annotations

import os
import time

import OpenImageIO as oiio
import pytest


def _ned_over_read(nuke, shot: str, out_dir: str, first: int = 1001, last: int = 1003):
    from ned_nuke.node_builder import create_ned_node

    read = nuke.nodes.Read(file=shot, first=first, last=last)
    group = create_ned_node()
    group.setInput(0, read)
    group["output_dir"].setValue(out_dir)
    return group


def _wait_ui(nuke, runner, timeout: float = 60.0) -> None:
    """Runs Nuke's event loop (the main-thread queue) until the job's thread ended and its calls ran."""
    deadline = time.monotonic() + timeout
    while runner.running() and time.monotonic() < deadline:
        nuke.run_main_thread_tasks()
        time.sleep(0.02)
    assert not runner.running(), "render did not finish"
    nuke.run_main_thread_tasks()


def test_render_button_renders_the_range_without_blocking_and_loads_the_plates(nuke, real_node, shot, tmp_path):
    import ned_nuke.render as render

    node, _, out = real_node
    group = _ned_over_read(nuke, shot, str(out / tmp_path.name))
    group["node_address"].setValue(node.address)
    group["intensity"].setAnimated()
    group["intensity"].setValueAt(0.2, 1001)
    group["intensity"].setValueAt(1.2, 1003)
    group["render"].execute()  # the button, on the main thread: returns at once
    runner = render.running_job(group)
    assert runner is not None and runner.request.emotion["keys"][0]["intensity"] == pytest.approx(0.2)
    assert [k["frame"] for k in runner.request.emotion["keys"]] == [1001, 1002, 1003]
    _wait_ui(nuke, runner)
    assert runner.outcome == "done", group["status"].value()
    assert group["status"].value().startswith("done: 3 frames")
    assert group["job_id"].value() == runner.job_id
    read = group.node("PlateRead")
    assert read["file"].value().endswith("/NED1.%04d.exr")
    assert (read["first"].value(), read["last"].value()) == (1001, 1003)
    assert (read.format().width(), read.format().height()) == (256, 256)  # the plates' format, not the project's
    names = sorted(os.listdir(out / tmp_path.name))
    assert names == ["NED1.1001.exr", "NED1.1002.exr", "NED1.1003.exr"]
    spec = oiio.ImageInput.open(str(out / tmp_path.name / names[0])).spec()
    assert "facemask.A" in list(spec.channelnames) and spec.full_width == 256 and spec.width < 256
    task = nuke.progress_tasks[-1]
    assert task.progress == 100 and "done" in task.message


@pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")  # the cancel thread too
def test_cancel_stops_the_job_on_the_node(nuke, slow_node, tmp_path):
    import ned_nuke.render as render
    from ned_protocol import NodeClient

    from node_helpers import write_shot

    node, inp, out = slow_node  # 0.4 s per frame: the cancel always arrives while the job renders
    shot = write_shot(inp / tmp_path.name, range(1001, 1009), size=64)
    group = _ned_over_read(nuke, shot, str(out / tmp_path.name), 1001, 1008)
    group["node_address"].setValue(node.address)
    group["render"].execute()
    runner = render.running_job(group)
    deadline = time.monotonic() + 60
    while not group["status"].value().startswith("render:") and time.monotonic() < deadline:
        nuke.run_main_thread_tasks()
        time.sleep(0.02)
    assert group["status"].value().startswith("render:"), group["status"].value()
    assert group["cancel"].execute() is None and group["status"].value() == "cancelling"
    _wait_ui(nuke, runner)
    assert runner.outcome == "cancelled" and group["status"].value() == "cancelled"
    with NodeClient(node.address) as client:
        assert client.status(runner.job_id)["state"] == "cancelled"
    assert len(os.listdir(out / tmp_path.name)) < 8
    assert render.running_job(group) is None
    group["cancel"].execute()
    assert group["status"].value() == "nothing to cancel"


def test_an_unreachable_node_fails_with_a_clear_status(nuke, real_node, shot, tmp_path):
    import ned_nuke.render as render

    node, _, out = real_node
    group = _ned_over_read(nuke, shot, str(out / tmp_path.name))
    group["node_address"].setValue("tcp://127.0.0.1:9")  # nothing listens: the job fails with a timeout
    group["render"].execute()
    runner = render.running_job(group)
    _wait_ui(nuke, runner, timeout=40)
    assert runner.outcome == "failed" and "failed:" in group["status"].value()
    assert "key" in group["status"].value() or "answer" in group["status"].value()


def test_a_reopened_script_finds_its_plates_without_rendering(nuke, real_node, shot, tmp_path):
    import ned_nuke.callbacks as callbacks
    import ned_nuke.render as render

    node, _, out = real_node
    callbacks.register_callbacks(nuke)
    group = _ned_over_read(nuke, shot, str(out / tmp_path.name))
    group["node_address"].setValue(node.address)
    group["render"].execute()
    _wait_ui(nuke, render.running_job(group))
    script = str(tmp_path / "comp.nk")
    nuke.scriptSave(script)
    nuke.scriptClear()
    stamps = {p: os.stat(p).st_mtime_ns for p in (out / tmp_path.name).iterdir()}
    nuke.scriptOpen(script)
    reopened = nuke.toNode("NED1")
    assert reopened["status"].value() == "3 plates found on disk (1001-1003)"
    assert reopened.node("PlateRead")["file"].value().endswith("NED1.%04d.exr")
    assert reopened.node("PlateRead").format().width() == 256
    assert render.running_job(reopened) is None
    assert {p: os.stat(p).st_mtime_ns for p in (out / tmp_path.name).iterdir()} == stamps


def test_a_non_read_input_is_baked_to_exr_and_sent(nuke, real_node, shot, tmp_path):
    import ned_nuke.render as render

    node, _, out = real_node
    read = nuke.nodes.Read(file=shot, first=1001, last=1003)
    grade = nuke.nodes.Grade(white=0.9)
    grade.setInput(0, read)
    group = _ned_over_read(nuke, shot, str(out / tmp_path.name))
    group.setInput(0, grade)
    group["node_address"].setValue(node.address)
    group["render"].execute()
    runner = render.running_job(group)
    assert runner.request.source["path"] == str(out / tmp_path.name / "NED1_source" / "src.####.exr")
    _wait_ui(nuke, runner)
    assert runner.outcome == "done", group["status"].value()
    baked = sorted((out / tmp_path.name / "NED1_source").iterdir())
    assert len(baked) == 3 and oiio.ImageInput.open(str(baked[0])).spec().format == "half"


def test_missing_output_directory_is_reported_in_a_dialog(nuke, real_node, shot):
    from ned_nuke.errors import SettingsError
    from ned_nuke.node_builder import create_ned_node

    group = create_ned_node()
    group.setInput(0, nuke.nodes.Read(file=shot, first=1001, last=1003))
    with pytest.raises(SettingsError):
        group["render"].execute()
    assert "output directory" in nuke.messages[-1] and group["status"].value().startswith("error:")


def test_animated_unit_knobs_and_the_stmap_switch_reach_the_plates(nuke, real_node, shot, tmp_path):
    """Unit overrides keyed on the units tab are rendered by a real node and recorded in every plate; the STMap
    switch adds the float stmap.u/v layer."""
    import json

    import ned_nuke.render as render
    from ned_protocol import NodeClient, RemoteError

    node, inp, out = real_node
    group = _ned_over_read(nuke, shot, str(out / tmp_path.name))
    group["node_address"].setValue(node.address)
    brow = group["unit_brow_inner_up"]
    brow.setAnimated()
    brow.setValueAt(-0.5, 1001)
    brow.setValueAt(0.5, 1003)
    group["unit_brow_inner_up_on"].setValue(True)
    group["stmap"].setValue(True)
    group["render"].execute()
    runner = render.running_job(group)
    _wait_ui(nuke, runner)
    assert runner.outcome == "done", group["status"].value()
    plate = oiio.ImageInput.open(str(out / tmp_path.name / "NED1.1003.exr"))
    keys = json.loads(plate.spec().get_string_attribute("ned/emotion_keys"))
    assert keys["schema"] == "EmotionKeys.2"
    assert {"stmap.u", "stmap.v"} <= set(plate.spec().channelnames)
    assert [(k["frame"], k["units"]) for k in keys["keys"]] == [
        (1001, {"brow_inner_up": -0.5}), (1002, {"brow_inner_up": 0.0}), (1003, {"brow_inner_up": 0.5})]
    with NodeClient(node.address) as client:  # a name no host panel offers: refused, naming the valid ones
        with pytest.raises(RemoteError, match=r"unknown unit 'brow_up'; valid units: .*brow_inner_up") as err:
            client.submit({"kind": "path", "path": shot, "frames": {"first": 1001, "last": 1003}},
                          {"target": "happy", "units": {"brow_up": 0.5}},
                          {"kind": "path", "directory": str(out / tmp_path.name / "bad")})
        assert err.value.code == "invalid_field"
