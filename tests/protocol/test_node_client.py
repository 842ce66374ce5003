"""NodeClient against a real ROUTER stand-in: requests, events, inline frames, timeouts, retries, reconnects."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from ned_protocol import PROTOCOL_VERSION, InvalidFieldError, NodeClient, NodeTimeoutError, RemoteError

KEY = b"client-test-key"
SOURCE = {"kind": "path", "path": "/shots/a.####.exr", "frames": {"first": 1001, "last": 1003}}
EMOTION = {"target": "happy"}
OUTPUT = {"kind": "path", "directory": "/shots/out"}


@pytest.fixture(params=["inproc", "tcp"])
def node_and_client(request, peer, context):
    address = "inproc://node" if request.param == "inproc" else "tcp://127.0.0.1:*"
    node = peer(address=address, key=KEY)
    client = NodeClient(node.address, key=KEY, context=context, timeout_s=3)
    yield node, client
    client.close()


def test_hello_reports_the_node(node_and_client):
    _, client = node_and_client
    hello = client.hello()
    assert hello["protocol_version"] == list(PROTOCOL_VERSION) and hello["node"]["name"] == "echo-peer"
    assert hello["limits"]["max_buffers"] == 64


def test_submit_then_events_in_order_until_job_done(node_and_client):
    node, client = node_and_client
    job = client.submit(SOURCE, EMOTION, OUTPUT, priority=70)
    assert job["state"] == "queued" and not job["duplicate"]
    events = list(client.events(job["job_id"], timeout_s=3))
    assert [e.msg_type for e in events] == ["progress", "frame_result"] * 3 + ["job_done"]
    assert [e.content["seq"] for e in events] == list(range(1, 8))
    assert [e.content["frame"] for e in events if e.msg_type == "frame_result"] == [1001, 1002, 1003]
    assert events[1].content["path"] == "/shots/out/face.1001.exr"
    assert events[-1].content["output"] == {"directory": "/shots/out", "pattern": "face.####.exr"}
    assert node.received[0].content["priority"] == 70


def test_submit_is_idempotent_per_request_id(node_and_client):
    node, client = node_and_client
    first = client.submit(SOURCE, EMOTION, OUTPUT, request_id="nuke-Write1-take3")
    again = client.submit(SOURCE, EMOTION, OUTPUT, request_id="nuke-Write1-take3")
    assert again["job_id"] == first["job_id"] and again["duplicate"] and len(node.jobs) == 1


def test_inline_frames_go_out_and_come_back_intact(node_and_client, half_frame_1080p):
    node, client = node_and_client
    frames = [half_frame_1080p, np.ascontiguousarray(half_frame_1080p[::-1])]
    source = {"kind": "inline", "frames": {"first": 1, "last": 2}, "width": 1920, "height": 1080,
              "channels": 4, "dtype": "float16"}
    job = client.submit(source, EMOTION, {"kind": "inline"}, frames=zip([1, 2], frames))
    assert job["frames_expected"] == 2
    results = [e for e in client.events(job["job_id"]) if e.msg_type == "frame_result"]
    assert [r.content["frame"] for r in results] == [1, 2]
    for result, sent in zip(results, frames):
        (plate,) = result.buffers
        assert result.content["path"] is None and plate.shape == (1080, 1920, 4)
        np.testing.assert_array_equal(np.frombuffer(plate.data, plate.dtype).reshape(plate.shape), sent)
    chunks = [m for m in node.received if m.msg_type == "frames_chunk_request"]
    assert [m.content for m in chunks] == [{"frames": [1], "final": False}, {"frames": [2], "final": True}]


def test_frames_must_match_the_source_kind(node_and_client):
    _, client = node_and_client
    with pytest.raises(InvalidFieldError, match="exactly when the source kind is 'inline'"):
        client.submit(SOURCE, EMOTION, OUTPUT, frames=[(1001, b"")])


def test_status_list_attach_heartbeat_and_cancel(peer, context):
    node = peer(key=KEY, run_jobs=False)
    with NodeClient(node.address, key=KEY, context=context, timeout_s=3) as client:
        job_id = client.submit(SOURCE, EMOTION, OUTPUT)["job_id"]
        assert client.status(job_id)["state"] == "queued"
        assert [j["job_id"] for j in client.list_jobs(states=["queued"])] == [job_id]
        assert client.list_jobs(states=["done"]) == []
        assert client.heartbeat()["jobs_queued"] == 1
        assert client.attach(job_id, since=0)["last_seq"] == 0
        assert client.cancel(job_id) == "cancelled"
        (event,) = list(client.events(job_id, timeout_s=3))
        assert event.msg_type == "job_failed" and event.content["error"]["code"] == "cancelled"


def test_unknown_job_is_a_remote_error_with_its_code(node_and_client):
    _, client = node_and_client
    with pytest.raises(RemoteError, match="job_not_found") as caught:
        client.status("job-404")
    assert caught.value.code == "job_not_found" and "job-404" in caught.value.evalue


def test_events_resume_after_a_reader_stops_early(node_and_client):
    _, client = node_and_client
    job_id = client.submit(SOURCE, EMOTION, OUTPUT)["job_id"]
    reader = client.events(job_id)
    first_two = [next(reader), next(reader)]
    reader.close()  # e.g. the host panel was closed
    rest = list(client.events(job_id, since=first_two[-1].content["seq"]))
    assert [e.content["seq"] for e in first_two + rest] == list(range(1, 8))


def test_a_lost_event_is_recovered_by_reattaching(peer, context):
    node = peer(key=KEY, skip_live=[3])
    with NodeClient(node.address, key=KEY, context=context, timeout_s=3) as client:
        job_id = client.submit(SOURCE, EMOTION, OUTPUT)["job_id"]
        seqs = [e.content["seq"] for e in client.events(job_id, timeout_s=3)]
    assert seqs == list(range(1, 8))
    assert [m.content for m in node.received if m.msg_type == "attach_job_request"] == [{"since": 2}]


def test_cancel_from_another_thread_ends_the_event_reader(peer, context):
    node = peer(key=KEY, run_jobs=False)
    with NodeClient(node.address, key=KEY, context=context, timeout_s=3) as client:
        job_id = client.submit(SOURCE, EMOTION, OUTPUT)["job_id"]
        seen = []
        reader = threading.Thread(target=lambda: seen.extend(client.events(job_id, timeout_s=5)))
        reader.start()
        time.sleep(0.2)
        assert client.cancel(job_id) == "cancelled"  # the UI thread, while the worker thread polls
        reader.join(5)
    assert not reader.is_alive() and [e.msg_type for e in seen] == ["job_failed"]


def test_no_node_times_out_within_the_limit(context):
    with NodeClient("tcp://127.0.0.1:9", key=KEY, context=context, timeout_s=0.8) as client:
        start = time.monotonic()
        with pytest.raises(NodeTimeoutError, match=r"within 0.8 s \(2 attempts\)"):
            client.hello()
        assert 0.7 < time.monotonic() - start < 1.6
        assert client.connection.generation == 2  # a fresh socket after each timed-out attempt


def test_silent_job_times_out_the_event_reader(peer, context):
    node = peer(key=KEY, run_jobs=False)
    with NodeClient(node.address, key=KEY, context=context, timeout_s=1) as client:
        job_id = client.submit(SOURCE, EMOTION, OUTPUT)["job_id"]
        start = time.monotonic()
        with pytest.raises(NodeTimeoutError, match="call events\\(\\) again"):
            list(client.events(job_id, timeout_s=0.6))
        assert time.monotonic() - start < 1.5
    assert sum(m.msg_type == "attach_job_request" for m in node.received) == 1  # one liveness probe


def test_dropped_request_is_retried_on_a_fresh_socket(peer, context):
    node = peer(key=KEY, drop_first=1)
    with NodeClient(node.address, key=KEY, context=context, timeout_s=2) as client:
        assert client.heartbeat()["jobs_running"] == 0
        assert client.connection.generation == 1
    first, second = node.received
    assert first.header.msg_id != second.header.msg_id and first.msg_type == second.msg_type


def test_client_reconnects_to_a_restarted_node_on_the_same_port(peer, context):
    node = peer(key=KEY)
    address = node.address
    with NodeClient(address, key=KEY, context=context, timeout_s=2) as client:
        assert client.hello()["node"]["name"] == "echo-peer"
        node.stop()
        with pytest.raises(NodeTimeoutError):
            client.heartbeat(timeout_s=0.4)
        restarted = peer(address=address, key=KEY)
        assert client.heartbeat()["jobs_queued"] == 0
    assert restarted.received[-1].msg_type == "heartbeat_request"
