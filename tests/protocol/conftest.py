"""Shared protocol fixtures: a valid sample of every message, real socket pairs, a node stand-in, a 1080p frame."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest
import skimage.data
import skimage.transform
import zmq

from ned_protocol import Limits, make_buffer

JOB = {
    "job_id": "job-1", "state": "running", "stage": "render", "frames_done": 3, "frames_total": 10,
    "priority": 50, "submitted_at": 1.7e9, "started_at": 1.7e9 + 1, "finished_at": None, "last_seq": 4,
    "error": None,
}
ERROR = {"code": "source_error", "ename": "MissingFramesError", "evalue": "frame 1004 missing in /shots/a.####.exr",
         "details": {"frames": [1004]}}
PATH_SOURCE = {"kind": "path", "path": "/shots/a.####.exr", "frames": {"first": 1001, "last": 1010}}
INLINE_SOURCE = {"kind": "inline", "frames": {"first": 1, "last": 2}, "width": 8, "height": 4, "channels": 4,
                 "dtype": "float16"}

#: A valid content (and header ids) for every msg_type of the catalogue.
SAMPLES = {
    "hello_request": ({"client": "nuke 15.1", "versions": [[1, 0]]}, {}),
    "hello_reply": ({
        "status": "ok", "node": {"name": "gpu-07", "version": "0.1.0"}, "protocol_version": [1, 0],
        "protocol_versions": [[1, 0]], "devices": [{"name": "cuda:0", "kind": "cuda", "memory_bytes": 80 << 30}],
        "tiers": ["embedded"], "models": [{"name": "face_landmark", "tier": "embedded", "available": True}],
        "emotions": ["happy", "sad"], "directors": ["facs"], "renderers": ["meshwarp"],
        "limits": Limits().to_wire()}, {}),
    "submit_job_request": ({
        "source": PATH_SOURCE,
        "face_track": {"select": "boxes", "boxes": [{"frame": 1001, "box": [100.5, 80, 400, 420]}]},
        "emotion": {"target": "happy", "intensity": 0.8, "keys": [{"frame": 1001, "intensity": 0.0}], "seed": 7},
        "output": {"kind": "path", "directory": "/shots/out", "pattern": "face.####.exr"},
        "compression": "zip", "full_frame": True, "priority": 80}, {"request_id": "req-1"}),
    "submit_job_reply": ({"status": "ok", "job_id": "job-1", "state": "queued", "duplicate": False,
                          "frames_expected": 0}, {"job_id": "job-1"}),
    "frames_chunk_request": ({"frames": [1], "final": False}, {"job_id": "job-1"}),
    "frames_chunk_reply": ({"status": "ok", "received": 1, "expected": 2, "complete": False}, {"job_id": "job-1"}),
    "cancel_job_request": ({}, {"job_id": "job-1"}),
    "cancel_job_reply": ({"status": "ok", "state": "cancelled"}, {"job_id": "job-1"}),
    "job_status_request": ({}, {"job_id": "job-1"}),
    "job_status_reply": ({"status": "ok", "job": JOB}, {"job_id": "job-1"}),
    "list_jobs_request": ({"states": ["running", "queued"], "limit": 10}, {}),
    "list_jobs_reply": ({"status": "ok", "jobs": [JOB, {**JOB, "job_id": "job-2", "state": "failed",
                                                        "error": ERROR}]}, {}),
    "attach_job_request": ({"since": 2}, {"job_id": "job-1"}),
    "attach_job_reply": ({"status": "ok", "job": JOB, "first_seq": 1, "last_seq": 4}, {"job_id": "job-1"}),
    "analyze_shot_request": ({"source": {"path": "/shows/abc/sh010/plate.####.exr",
                                         "frames": {"first": 1001, "last": 1096}}}, {}),
    "analyze_shot_reply": ({"status": "ok", "tracks": [
        {"id": 0, "shot": 0, "first_frame": 1001, "last_frame": 1096, "frames_with_face": 96,
         "box": [812.5, 240.0, 1211.0, 639.25]}], "default_track": 0, "frames": 96, "width": 1920,
        "height": 1080}, {}),
    "heartbeat_request": ({}, {}),
    "heartbeat_reply": ({"status": "ok", "node_time": 1.7e9, "jobs_running": 1, "jobs_queued": 0}, {}),
    "error_reply": ({"status": "error", "code": "unknown_msg_type", "ename": "UnknownMessageTypeError",
                     "evalue": "unknown msg_type 'foo_request'", "details": {}, "traceback": None}, {}),
    "progress": ({"seq": 1, "stage": "render", "frames_done": 3, "frames_total": 10, "fps": 4.2, "eta_s": 1.7},
                 {"job_id": "job-1"}),
    "frame_result": ({"seq": 2, "frame": 1003, "path": None, "display_window": [0, 0, 7, 3],
                      "data_window": [0, 0, 7, 3], "channels": ["R", "G", "B", "A"]}, {"job_id": "job-1"}),
    "job_done": ({"seq": 3, "frames_written": 10, "elapsed_s": 2.5,
                  "output": {"directory": "/shots/out", "pattern": "face.####.exr"}}, {"job_id": "job-1"}),
    "job_failed": ({"seq": 3, "error": ERROR, "frames_done": 3}, {"job_id": "job-1"}),
}


def sample_buffers(msg_type: str) -> list:
    """The buffers a sample message of ``msg_type`` carries (an (4, 8, 4) half frame where one belongs)."""
    if msg_type not in ("frames_chunk_request", "frame_result"):
        return []
    pixels = np.arange(4 * 8 * 4, dtype=np.float16).reshape(4, 8, 4)
    return [make_buffer("frame" if msg_type == "frames_chunk_request" else "plate", "float16", pixels.shape, pixels)]


def _sibling(name: str):
    """Imports a helper module next to this file (pytest runs with --import-mode=importlib)."""
    spec = importlib.util.spec_from_file_location(f"tests_protocol_{name}", Path(__file__).with_name(f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


EchoPeer = _sibling("echo_peer").EchoPeer


@pytest.fixture(scope="session")
def samples() -> dict:
    """msg_type -> (content, header ids) of a valid message (shared: copy before changing)."""
    return SAMPLES


@pytest.fixture()
def buffers_for():
    """msg_type -> the buffers a sample message of that type carries."""
    return sample_buffers


@pytest.fixture()
def peer(context):
    """Starts EchoPeer(context, **options) stand-ins for a node; all are stopped after the test."""
    started = []

    def start(**options):
        started.append(EchoPeer(context, **options).start())
        return started[-1]

    yield start
    for running in started:
        running.stop()


@pytest.fixture(scope="session")
def half_frame_1080p() -> np.ndarray:
    """skimage's astronaut as a 1920x1080 RGBA half-float frame, (1080, 1920, 4) float16, ~16.6 MB."""
    rgb = skimage.transform.resize(skimage.data.astronaut(), (1080, 1920), order=1, anti_aliasing=False)
    rgba = np.concatenate([rgb, np.ones((1080, 1920, 1))], axis=2)
    return np.ascontiguousarray(rgba.astype(np.float16))


@pytest.fixture()
def context():
    ctx = zmq.Context()
    yield ctx
    ctx.destroy(linger=0)


@pytest.fixture(params=["inproc", "tcp"])
def socket_pair(request, context):
    """A connected (dealer, router, dealer_identity) over inproc:// or tcp://127.0.0.1 on a free port."""
    router = context.socket(zmq.ROUTER)
    if request.param == "inproc":
        address = f"inproc://pair-{id(router)}"
        router.bind(address)
    else:
        router.bind("tcp://127.0.0.1:*")
        address = router.last_endpoint.decode()
    dealer = context.socket(zmq.DEALER)
    dealer.connect(address)
    dealer.send(b"ping")
    assert router.poll(5000), "the socket pair did not connect"
    identity, _ = router.recv_multipart()
    yield dealer, router, identity
    dealer.close(linger=0)
    router.close(linger=0)
