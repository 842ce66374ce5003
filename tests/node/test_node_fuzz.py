"""Ten thousand hostile messages to a live node: memory stays flat, every reply is clean, a job still renders.

A seeded generator (reproducible, fast) mixes raw garbage, broken envelopes, schema-breaking mutations of
every request type and the memory-bomb shapes an independent probe used: frame ranges of 10^8 and 2*10^9
frames (source, reference and ``analyze_shot``), inline sources of 65535x65535 frames, buffer descriptors
of 2^60 bytes, deep nesting, huge strings. The hypothesis-driven test in ``test_node_security.py`` checks
each message's reply one by one; this one checks volume.
"""

from __future__ import annotations

import random
import time
import uuid

import msgpack
import zmq

from node_helpers import collect, path_source, write_shot
from ned_protocol import NodeClient, Session
from ned_protocol.messages import CATALOGUE

MESSAGES = 10_000
WARM_UP = 500
BATCH = 250
RSS_GROWTH_LIMIT = 50 * 2 ** 20
_HUGE_RANGES = ({"first": 0, "last": 100_000_000}, {"first": -(10 ** 9), "last": 10 ** 9},
                {"first": 0, "last": 10 ** 9, "step": 1})
_OUTSIDE = "/nowhere/a.####.exr"


def _bombs() -> list[tuple[str, dict]]:
    """Requests that are valid by the schema and would cost gigabytes if sized by materialising them."""
    out = []
    for frames in _HUGE_RANGES:
        out.append(("submit_job_request", {"source": {"kind": "path", "path": _OUTSIDE, "frames": frames},
                                           "emotion": {"target": "happy"}, "output": {"kind": "inline"}}))
        out.append(("analyze_shot_request", {"source": {"path": _OUTSIDE, "frames": frames}}))
        out.append(("submit_job_request", {
            "source": {"kind": "path", "path": _OUTSIDE, "frames": {"first": 1, "last": 2}},
            "emotion": {"reference": {"path": _OUTSIDE, "frames": frames}}, "output": {"kind": "inline"}}))
        out.append(("submit_job_request", {
            "source": {"kind": "inline", "frames": frames, "width": 65535, "height": 65535, "channels": 4,
                       "dtype": "float32"}, "emotion": {"target": "happy"}, "output": {"kind": "inline"}}))
    out.append(("list_jobs_request", {"states": [], "limit": 2 ** 62}))
    out.append(("attach_job_request", {"since": 2 ** 62}))
    return out


_REQUESTS = [
    ("hello_request", {"client": "fuzz", "versions": [[1, 0]]}),
    ("heartbeat_request", {}),
    ("submit_job_request", {"source": path_source(_OUTSIDE, 1, 3), "emotion": {"target": {"happy": 1.0},
                                                                               "keys": [{"frame": 1, "intensity": 1}]},
                            "output": {"kind": "inline"}, "priority": 10}),
    ("frames_chunk_request", {"frames": [1, 2], "final": True}),
    ("list_jobs_request", {"states": ["done"], "limit": 5}),
    ("attach_job_request", {"since": 3}),
    ("cancel_job_request", {}),
    ("job_status_request", {}),
    ("analyze_shot_request", {"source": {"path": _OUTSIDE}}),
    *_bombs(),
]


class Hostile:
    """Seeded generator of hostile ``[signature, header, *buffers]`` frame lists."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)

    def junk(self, depth: int = 0):
        rng = self.rng
        pick = rng.randrange(10 if depth < 3 else 7)
        if pick == 0:
            return None
        if pick == 1:
            return rng.random() < 0.5
        if pick == 2:
            return rng.choice([0, -1, 1, 2 ** 31, -(2 ** 31) - 1, 2 ** 63 - 1, -(2 ** 63), 10 ** 9 + 1,
                               rng.randrange(-1000, 1000)])
        if pick == 3:
            return rng.choice([float("nan"), float("inf"), -0.0, 1e308, rng.random()])
        if pick == 4:
            return "".join(chr(rng.randrange(1, 0x2FF)) for _ in range(rng.randrange(0, 30)))
        if pick == 5:
            return rng.choice(["", "x" * 70_000, "../../etc/passwd", "\x00", "happy", "#####.exr"])
        if pick == 6:
            return rng.randbytes(rng.randrange(0, 40))
        if pick == 7:
            return [self.junk(depth + 1) for _ in range(rng.randrange(0, 6))]
        if pick == 8:
            return {self.junk(3) if rng.random() < 0.2 else f"k{rng.randrange(20)}": self.junk(depth + 1)
                    for _ in range(rng.randrange(0, 6))}
        nested = None  # deep nesting
        for _ in range(rng.randrange(50, 400)):
            nested = [nested]
        return nested

    def mutate(self, value):
        rng = self.rng
        if not isinstance(value, (dict, list)) or not value or rng.random() < 0.15:
            return self.junk()
        copy = dict(value) if isinstance(value, dict) else list(value)
        key = rng.choice(list(copy)) if isinstance(copy, dict) else rng.randrange(len(copy))
        roll = rng.random()
        if isinstance(copy, dict) and roll < 0.2:
            del copy[key]
        elif isinstance(copy, dict) and roll < 0.3:
            copy[f"extra{rng.randrange(9)}"] = self.junk()
        else:
            copy[key] = self.mutate(copy[key])
        return copy

    def frames(self) -> list[bytes]:
        rng = self.rng
        roll = rng.random()
        if roll < 0.07:
            return [rng.randbytes(rng.randrange(0, 80)) for _ in range(rng.randrange(1, 5))]
        if roll < 0.14:
            return [b"", msgpack.packb(self.junk(), use_bin_type=True)]
        msg_type, content = rng.choice(_REQUESTS)
        if rng.random() < 0.6:
            content = self.mutate(content)
        header = {"version": rng.choice([[1, 0], [1, 0], [1, 1], [1, 9], [0, 9], [2, 0]]),
                  "msg_type": msg_type if rng.random() < 0.95 else rng.choice(sorted(CATALOGUE) + ["x"]),
                  "msg_id": uuid.UUID(int=rng.getrandbits(128)).hex, "session": "fuzz",
                  "timestamp": time.time(), "request_id": uuid.UUID(int=rng.getrandbits(128)).hex,
                  "job_id": rng.choice([None, "job-1", "j20990101-000000000000"]), "parent_id": None,
                  "content": content, "buffers": []}
        buffers = []
        if rng.random() < 0.15:
            header["buffers"] = [{"name": "frame", "dtype": rng.choice(["float16", "uint8", "float32"]),
                                  "shape": [rng.choice([1, 2 ** 20, 2 ** 30]) for _ in range(3)]}
                                 for _ in range(rng.randrange(1, 3))]
            buffers = [rng.randbytes(rng.randrange(0, 64)) for _ in header["buffers"]]
        if rng.random() < 0.05:
            header = self.mutate(header)
        return [b"", msgpack.packb(header, use_bin_type=True), *buffers]


def rss_bytes(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        return int(next(line for line in status if line.startswith("VmRSS:")).split()[1]) * 1024


def _exchange(socket, probe: Session, batch: list[list[bytes]]) -> list:
    """Sends a batch and a heartbeat; returns the replies that arrived before the heartbeat's answer."""
    heartbeat = probe.message("heartbeat_request", {})
    for frames in batch:
        socket.send_multipart(frames)
    socket.send_multipart(probe.serialize(heartbeat))
    replies = []
    while True:
        assert socket.poll(30_000), "the node stopped answering"
        reply = probe.deserialize(socket.recv_multipart())
        if reply.header.parent_id == heartbeat.header.msg_id:
            return replies
        replies.append(reply)


def test_ten_thousand_hostile_messages_leave_memory_flat_and_a_job_still_renders(nodes, roots):
    shot = write_shot(roots[0] / "sh010", range(1, 3), size=32)
    node = nodes.start()
    generator, probe = Hostile(seed=16), Session()
    messages = [generator.frames() for _ in range(MESSAGES)]
    context = zmq.Context()
    socket = context.socket(zmq.DEALER)
    socket.linger = 0
    socket.connect(node.address)
    replies = []
    try:
        started = time.monotonic()
        replies += _exchange(socket, probe, messages[:WARM_UP])
        before = rss_bytes(node.process.pid)
        for start in range(WARM_UP, MESSAGES, BATCH):
            replies += _exchange(socket, probe, messages[start:start + BATCH])
        after = rss_bytes(node.process.pid)
        elapsed = time.monotonic() - started
    finally:
        socket.close()
        context.term()
    assert node.alive()
    assert after - before < RSS_GROWTH_LIMIT, f"node RSS grew {(after - before) / 2 ** 20:.1f} MB"
    errors = [r for r in replies if r.content.get("status") == "error"]
    assert len(replies) > MESSAGES // 2 and len(errors) > MESSAGES // 3  # most are answered, most refused
    assert all(r.content["traceback"] is None for r in errors)
    assert not [r for r in errors if r.content["code"] == "internal_error"], "a message hit an unexpected error"
    assert elapsed < 240
    with NodeClient(node.address, timeout_s=10) as client:  # and the node still does its job
        job = client.submit(path_source(shot, 1, 2), {"target": "happy"},
                            {"kind": "path", "directory": str(roots[1] / "after-fuzz")})
        events = collect(client, job["job_id"])
    assert events[-1].msg_type == "job_done" and len(list((roots[1] / "after-fuzz").glob("*.exr"))) == 2
