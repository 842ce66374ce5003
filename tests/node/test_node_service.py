"""A live node (real subprocess, real sockets, the pipeline stand-in): requests, cancel, re-attach, fairness, OOM."""

from __future__ import annotations

import json
import time
import urllib.request

import msgpack
import pytest
import zmq

from node_helpers import (
    NodeFactory,
    collect,
    frames_of,
    path_source,
    set_control,
    wait_for,
    write_shot,
)
from ned_protocol import NodeClient, RemoteError, Session


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """One node for the whole module: ``(node, shot pattern, output root, control file)``."""
    tmp = tmp_path_factory.mktemp("live")
    inp, out = (tmp / "in").resolve(), (tmp / "out").resolve()
    out.mkdir(parents=True)
    shot = write_shot(inp / "sh010", range(1, 9), size=64)
    control = tmp / "control.json"
    set_control(control)
    factory = NodeFactory(tmp)
    node = factory.start(input_roots=[inp], output_roots=[out], env={"NED_TEST_CONTROL": str(control)},
                         extra=["--metrics-port", "0"])
    yield node, shot, out, control
    factory.close()


@pytest.fixture
def client(live):
    with NodeClient(live[0].address, timeout_s=10) as c:
        yield c


def _submit(client, live, name, first=1, last=4, **kwargs):
    _, shot, out, _ = live
    return client.submit(path_source(shot, first, last), {"target": "happy"},
                         {"kind": "path", "directory": str(out / name)}, **kwargs)


def test_hello_describes_the_node(client):
    hello = client.hello()
    assert hello["protocol_version"] == [1, 4] and hello["protocol_versions"] == [[1, 0], [1, 1], [1, 2], [1, 3], [1, 4]]
    assert [d["kind"] for d in hello["devices"]] == ["cpu"]
    assert "happy" in hello["emotions"] and hello["tiers"] == ["embedded"]
    assert {m["name"] for m in hello["models"]} >= {"face_landmark", "face_detection_short_range"}
    assert hello["limits"]["max_buffers"] == 64


def test_a_job_runs_to_the_end_with_every_event(client, live):
    out = live[2]
    job = _submit(client, live, "full", request_id="full-1")
    events = collect(client, job["job_id"])
    assert [e.content["seq"] for e in events] == list(range(1, len(events) + 1))
    assert frames_of(events) == [1, 2, 3, 4]
    assert events[-1].msg_type == "job_done" and events[-1].content["frames_written"] == 4
    assert sorted(p.name for p in (out / "full").iterdir()) == [f"face.{n:04d}.exr" for n in range(1, 5)]
    again = _submit(client, live, "full", request_id="full-1")
    assert again["job_id"] == job["job_id"] and again["duplicate"] and again["state"] == "done"
    with pytest.raises(RemoteError) as err:
        _submit(client, live, "other", request_id="full-1")
    assert err.value.code == "invalid_field" and err.value.details["field"] == "header.request_id"
    record = client.status(job["job_id"])
    assert (record["state"], record["frames_done"], record["last_seq"]) == ("done", 4, len(events))
    assert job["job_id"] in [j["job_id"] for j in client.list_jobs(["done"])]


def test_a_job_whose_preview_failed_is_done_with_the_warning(client, live):
    warning = "preview not written: disk full (the 4 plates are complete)"
    set_control(live[3], warnings=[warning])
    try:
        job = _submit(client, live, "warned")
        events = collect(client, job["job_id"])
        submitted = _cli("submit", live[1], "--frames", "1-2", "--emotion", "happy", "--out",
                         str(live[2] / "warned-cli"), "--node", live[0].address, "--quiet")
    finally:
        set_control(live[3])
    assert frames_of(events) == [1, 2, 3, 4]
    assert events[-1].msg_type == "job_done" and events[-1].content["warnings"] == [warning]
    assert client.status(job["job_id"])["state"] == "done"
    assert submitted.returncode == 0 and f"warning: {warning}" in submitted.stderr, submitted.stderr


def test_cancel_is_honoured_within_one_frame(client, live):
    set_control(live[3], frame_delay=0.3)
    try:
        job = _submit(client, live, "cancel", first=1, last=8)
        seen = []
        for event in client.events(job["job_id"]):
            seen.append(event)
            if event.msg_type == "frame_result":
                break
        assert client.cancel(job["job_id"]) == "cancelled"
        cancelled_at = client.status(job["job_id"])["frames_done"]
        rest = collect(client, job["job_id"], since=seen[-1].content["seq"])
    finally:
        set_control(live[3])
    assert rest[-1].msg_type == "job_failed" and rest[-1].content["error"]["code"] == "cancelled"
    assert client.cancel(job["job_id"]) == "cancelled"  # idempotent
    time.sleep(0.8)  # let the worker reach its next frame boundary
    written = len(list((live[2] / "cancel").glob("*.exr")))
    assert written <= cancelled_at + 1 < 8
    assert client.status(job["job_id"])["state"] == "cancelled"


def test_a_client_reattaches_and_gets_what_it_missed(live):
    set_control(live[3], frame_delay=0.15)
    try:
        with NodeClient(live[0].address, timeout_s=10) as first:
            job = _submit(first, live, "reattach", first=1, last=6)
            head = []
            for event in first.events(job["job_id"]):
                head.append(event)
                if len(frames_of(head)) == 2:
                    break
        time.sleep(0.4)  # events happen while no client listens
        with NodeClient(live[0].address, timeout_s=10) as second:
            tail = collect(second, job["job_id"], since=head[-1].content["seq"])
    finally:
        set_control(live[3])
    seqs = [e.content["seq"] for e in head + tail]
    assert seqs == list(range(1, len(seqs) + 1))
    assert frames_of(head + tail) == [1, 2, 3, 4, 5, 6]


def test_higher_priority_jumps_the_queue(client, live):
    set_control(live[3], frame_delay=0.2)
    try:
        low = [_submit(client, live, f"low{i}", first=1, last=2, priority=10) for i in range(3)]
        high = _submit(client, live, "high", first=1, last=2, priority=90)
        for job in low + [high]:
            collect(client, job["job_id"])
    finally:
        set_control(live[3])
    started = {j["job_id"]: client.status(j["job_id"])["started_at"] for j in low + [high]}
    assert started[high["job_id"]] < started[low[1]["job_id"]] < started[low[2]["job_id"]]


def test_out_of_memory_retries_with_smaller_batches_then_fails_clearly(client, live):
    set_control(live[3], oom_above=2)
    try:
        events = collect(client, _submit(client, live, "oom-ok")["job_id"])
        assert events[-1].msg_type == "job_done"
        set_control(live[3], oom_above=0)
        failed = collect(client, _submit(client, live, "oom-fail")["job_id"])
    finally:
        set_control(live[3])
    retries = [e for e in live[0].logs() if e["msg"] == "job ran out of GPU memory; retrying with a smaller batch"]
    assert [e["batch_size"] for e in retries][:2] == [4, 2]
    error = failed[-1].content["error"]
    assert (error["code"], error["ename"]) == ("render_failed", "GpuOutOfMemoryError")
    assert "batch size 1" in error["evalue"]


def test_paths_outside_the_roots_are_refused(client, live, tmp_path):
    _, shot, out, _ = live
    outside = write_shot(tmp_path / "private", range(1, 3), size=32)
    cases = [
        (path_source(outside, 1, 2), {"kind": "path", "directory": str(out / "x")}, "content.source.path"),
        (path_source(shot, 1, 2), {"kind": "path", "directory": str(out / ".." / "escape")},
         "content.output.directory"),
        (path_source(shot, 1, 2), {"kind": "path", "directory": str(tmp_path)}, "content.output.directory"),
        (path_source(shot, 1, 2), {"kind": "path", "directory": str(out), "pattern": "../../x.####.exr"},
         "content.output.pattern"),
    ]
    for source, output, field in cases:
        with pytest.raises(RemoteError) as err:
            client.submit(source, {"target": "sad"}, output)
        assert (err.value.code, err.value.details["field"]) == ("invalid_field", field)
    assert not (out.parent / "escape").exists()


def test_unknown_jobs_and_a_missing_source(client, live):
    with pytest.raises(RemoteError) as err:
        client.status("no-such-job")
    assert err.value.code == "job_not_found"
    with pytest.raises(RemoteError) as err:
        client.submit(path_source(live[1].replace("shot", "none"), 1, 2), {"target": "sad"},
                      {"kind": "path", "directory": str(live[2] / "y")})
    assert err.value.code == "source_error"


def test_an_old_client_gets_an_upgrade_error(live):
    old = Session(version=(0, 9))
    context = zmq.Context.instance()
    socket = context.socket(zmq.DEALER)
    socket.connect(live[0].address)
    try:
        message = old.message("hello_request", {"client": "nuke 12 / ned 0.9", "versions": [[0, 9]]})
        socket.send_multipart(old.serialize(message))
        assert socket.poll(10_000)
        header = msgpack.unpackb(socket.recv_multipart()[1])
    finally:
        socket.close(0)
    content = header["content"]
    assert (content["status"], content["code"]) == ("error", "version_mismatch")
    assert "upgrade" in content["evalue"] and content["details"]["supported"] == [[1, 4]]
    assert header["parent_id"] == message.header.msg_id


def test_metrics_count_jobs_and_frames(client, live):
    collect(client, _submit(client, live, "metrics")["job_id"])
    port = json.loads((live[0].state_dir / "node.json").read_text())["metrics_port"]

    def done_jobs():
        text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
        samples = dict(line.rsplit(" ", 1) for line in text.splitlines() if line and not line.startswith("#"))
        return samples if float(samples['ned_jobs{state="done"}']) >= 1 else None

    samples = wait_for(done_jobs, 10, "metrics update")
    assert float(samples["ned_frames_written_total"]) >= 4
    assert float(samples['ned_workers{state="idle"}']) + float(samples['ned_workers{state="busy"}']) == 1
    assert float(samples['ned_requests_total{outcome="answered"}']) > 0


def test_inline_frames_that_do_not_match_the_source_are_refused(client):
    import numpy as np

    from ned_protocol import make_buffer

    source = {"kind": "inline", "frames": {"first": 1, "last": 2}, "width": 8, "height": 4, "channels": 3,
              "dtype": "uint8"}
    job = client.submit(source, {"target": "fear"}, {"kind": "inline"}, frames=[])
    assert (job["state"], job["frames_expected"]) == ("receiving", 2)
    cases = [(make_buffer("frame", "uint8", (8, 4, 3), np.zeros((8, 4, 3), np.uint8)), 1, "buffer_mismatch"),
             (make_buffer("frame", "float16", (4, 8, 3), np.zeros((4, 8, 3), np.float16)), 1, "buffer_mismatch"),
             (make_buffer("frame", "uint8", (4, 8, 3), np.zeros((4, 8, 3), np.uint8)), 7, "invalid_field")]
    for buffer, frame, code in cases:
        with pytest.raises(RemoteError) as err:
            client.connection.request("frames_chunk_request", {"frames": [frame]}, timeout_s=10, retries=0,
                                      job_id=job["job_id"], buffers=[buffer])
        assert err.value.code == code
    assert client.status(job["job_id"])["state"] == "receiving"
    assert client.cancel(job["job_id"]) == "cancelled"


def test_inline_uploads_that_stop_short_fail_and_full_ones_render_to_shared_storage(client, live):
    import numpy as np

    source = {"kind": "inline", "frames": {"first": 1, "last": 4}, "width": 32, "height": 16, "channels": 3,
              "dtype": "uint8"}
    frames = [(n, np.full((16, 32, 3), 40 * n, np.uint8)) for n in (1, 2, 4)]
    with pytest.raises(RemoteError) as err:
        client.submit(source, {"target": "sad"}, {"kind": "inline"}, frames=frames)
    assert err.value.code == "frames_incomplete" and err.value.details == {"received": 3, "expected": 4}
    failed = client.list_jobs(["failed"], limit=1)[0]
    assert failed["error"]["code"] == "frames_incomplete"
    frames.insert(2, (3, np.zeros((16, 32, 3), np.uint8)))
    job = client.submit(source, {"target": "sad"}, {"kind": "path", "directory": str(live[2] / "from-inline")},
                        frames=frames)
    events = collect(client, job["job_id"])
    assert events[-1].msg_type == "job_done" and frames_of(events) == [1, 2, 3, 4]
    assert sorted(p.name for p in (live[2] / "from-inline").iterdir()) == [f"face.{n:04d}.exr" for n in range(1, 5)]
    assert not (live[0].state_dir / "jobs" / job["job_id"] / "input").exists()  # inputs go once the job is done


def _cli(*args: str):
    import subprocess
    import sys

    from node_helpers import REPO

    return subprocess.run([sys.executable, "-m", "ned_core.cli.main", *args], cwd=REPO, capture_output=True, text=True)


def test_the_jobs_and_node_commands(client, live):
    node = live[0]
    job = _submit(client, live, "cli")
    attached = _cli("jobs", "attach", job["job_id"], "--node", node.address, "--quiet")
    assert attached.returncode == 0, attached.stderr
    assert f"{job['job_id']}: done, 4 plates to {live[2] / 'cli' / 'face.####.exr'}" in attached.stdout
    listed = _cli("jobs", "list", "--node", node.address, "--state", "done")
    assert job["job_id"] in listed.stdout and "4/4 frames" in listed.stdout
    status = _cli("jobs", "status", job["job_id"], "--node", node.address, "--json")
    assert json.loads(status.stdout)["state"] == "done"
    assert _cli("jobs", "cancel", job["job_id"], "--node", node.address).stdout.strip() == f"{job['job_id']}: done"
    missing = _cli("jobs", "status", "no-such-job", "--node", node.address)
    assert missing.returncode == 2 and "job_not_found" in missing.stderr
    summary = _cli("node", "status", "--node", node.address)
    assert summary.returncode == 0 and "device cpu" in summary.stdout and "jobs running" in summary.stdout
    silent = _cli("node", "status", "--node", "tcp://127.0.0.1:9", "--timeout", "0.5")
    assert silent.returncode == 2 and "no reply" in silent.stderr
