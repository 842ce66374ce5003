"""Round trips of a 1080p half RGBA frame (and of small requests) between two processes over tcp loopback.

Usage: ``python benchmarks/bench_protocol_roundtrip.py [--frames 200] [--small 2000]``. The node process echoes
each frame back as an inline frame_result; both ends sign, check and decode every message exactly
as ``ned_protocol`` does in production. Prints one JSON line per measurement; ``run(quick)`` serves
``benchmarks/run_all.py``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Iterator

import zmq

from ned_protocol import NodeClient, Session, make_buffer
from ned_protocol.limits import Limits
from ned_protocol.sockets import make_dealer, make_router

WIDTH, HEIGHT, CHANNELS = 1920, 1080, 4
FRAME_BYTES = WIDTH * HEIGHT * CHANNELS * 2
WINDOW = [0, 0, WIDTH - 1, HEIGHT - 1]


def serve(key: bytes) -> None:
    """The node side: answers heartbeats, echoes frames; prints its endpoint, stops on stdin EOF."""
    session = Session(key or None)
    context = zmq.Context()
    router = make_router(context, "tcp://127.0.0.1:*", Limits())
    print(router.last_endpoint.decode(), flush=True)
    poller = zmq.Poller()
    poller.register(router, zmq.POLLIN)
    poller.register(sys.stdin, zmq.POLLIN)
    while True:
        events = dict(poller.poll())
        if sys.stdin.fileno() in events:
            break
        identity, *frames = router.recv_multipart(copy=False)
        msg = session.deserialize(frames)
        if msg.msg_type == "heartbeat_request":
            reply = session.reply(msg.header, {"node_time": time.time(), "jobs_running": 0, "jobs_queued": 0})
        else:
            content = {"seq": msg.content["frames"][0], "frame": msg.content["frames"][0], "display_window": WINDOW,
                       "data_window": WINDOW, "channels": ["R", "G", "B", "A"]}
            reply = session.message("frame_result", content, job_id=msg.header.job_id, parent_id=msg.header.msg_id,
                                    buffers=msg.buffers)
        session.send(router, reply, identity=identity.bytes)
    router.close()
    context.term()


def frames_round_trips(address: str, key: bytes, count: int) -> dict:
    """Sends ``count`` frames one at a time, each waiting for its echo; returns rates."""
    session = Session(key or None)
    context = zmq.Context()
    dealer = make_dealer(context, address, Limits())
    pixels = bytearray(FRAME_BYTES)
    pixels[::4099] = b"\x3c" * len(pixels[::4099])
    frame = make_buffer("frame", "float16", (HEIGHT, WIDTH, CHANNELS), pixels)
    for number in range(-3, count):  # three warm-up round trips
        if number == 0:
            start = time.perf_counter()
        request = session.message("frames_chunk_request", {"frames": [max(number, 0) + 1]}, job_id="bench",
                                  buffers=[frame])
        session.send(dealer, request)
        echo = session.recv(dealer)
        assert echo.buffers[0].data.nbytes == FRAME_BYTES
    elapsed = time.perf_counter() - start
    dealer.close()
    context.term()
    return {"what": "1080p half RGBA frame, request + echo", "signed": bool(key), "round_trips": count,
            "round_trips_per_s": round(count / elapsed, 1),
            "MB_per_s_both_ways": round(2 * FRAME_BYTES * count / elapsed / 1e6, 1)}


def small_round_trips(address: str, key: bytes, count: int) -> dict:
    """NodeClient.heartbeat() ``count`` times: latency of a small request through the full client."""
    with NodeClient(address, key=key or None, context=zmq.Context.instance()) as client:
        client.heartbeat()
        start = time.perf_counter()
        for _ in range(count):
            client.heartbeat()
        elapsed = time.perf_counter() - start
    return {"what": "NodeClient.heartbeat()", "signed": bool(key), "round_trips": count,
            "round_trips_per_s": round(count / elapsed, 1), "ms_per_round_trip": round(1000 * elapsed / count, 3)}


def measure(frames: int, small: int) -> Iterator[dict]:
    """Both measurements, unsigned then signed, each against a fresh echoing node process."""
    for key in (b"", b"bench-key"):
        node = subprocess.Popen([sys.executable, __file__, "--serve", key.decode()], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, text=True)
        address = node.stdout.readline().strip()
        try:
            yield frames_round_trips(address, key, frames)
            yield small_round_trips(address, key, small)
        finally:
            node.stdin.close()
            node.wait(10)


def run(quick: bool) -> dict:
    """run_all entry point: the same measurements (fewer round trips with ``quick``) as stage/metric records."""
    from benchkit.records import metric, stage

    frames, small = (20, 200) if quick else (200, 2000)
    stages, metrics = [], []
    for row in measure(frames, small):
        variant = f"{row['what']}, {'signed' if row['signed'] else 'unsigned'}"
        stages.append(stage("protocol round trip", row["round_trips"],
                            row["round_trips"] / row["round_trips_per_s"], variant))
        if "MB_per_s_both_ways" in row:
            metrics.append(metric("throughput both ways", row["MB_per_s_both_ways"], "MB/s", variant, "higher"))
        else:
            metrics.append(metric("latency", row["ms_per_round_trip"], "ms", variant))
    return {"title": "node protocol round trips over tcp loopback (1080p half RGBA frames, small requests)",
            "config": {"frames": frames, "small": small, "width": WIDTH, "height": HEIGHT},
            "stages": stages, "metrics": metrics}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=200)
    parser.add_argument("--small", type=int, default=2000)
    parser.add_argument("--serve", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve is not None:
        serve(args.serve.encode())
        return
    for row in measure(args.frames, args.small):
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
