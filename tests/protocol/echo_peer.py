"""A test-only stand-in for the render node: a ROUTER thread answering every request over real sockets.

Jobs "run" instantly: a progress and a frame_result event per frame, then job_done. Inline frames
sent by the client come back unchanged as inline plates (an echo), so tests can check every byte.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence

import zmq

from ned_protocol import PROTOCOL_VERSION, AuthenticationError, Limits, ProtocolError, Session, make_buffer
from ned_protocol.curve_auth import CurveKeyPair
from ned_protocol.sockets import make_router


@dataclass
class PeerJob:
    record: Dict[str, Any]
    source: Dict[str, Any]
    output: Dict[str, Any]
    events: List[tuple] = field(default_factory=list)
    subscribers: Dict[bytes, str] = field(default_factory=dict)
    frames: Dict[int, Any] = field(default_factory=dict)


class EchoPeer:
    """Runs a ROUTER node stand-in in a thread until :meth:`stop`.

    Args:
        context: zmq context (inproc clients must share it).
        address: where to bind; ``tcp://127.0.0.1:*`` picks a free port (see :attr:`address`).
        key: shared HMAC key or None.
        curve: the node's CURVE key pair, or None.
        version: protocol version the peer speaks.
        drop_first: how many requests to ignore before answering (tests retries).
        run_jobs: False keeps submitted jobs queued until cancelled.
        skip_live: seqs not sent live the first time (they are resent on attach): tests gap recovery.
    """

    def __init__(self, context: zmq.Context, address: str = "tcp://127.0.0.1:*", *, key: Optional[bytes] = None,
                 curve: Optional[CurveKeyPair] = None, version: Sequence[int] = PROTOCOL_VERSION,
                 drop_first: int = 0, run_jobs: bool = True, skip_live: Sequence[int] = ()):
        self.session = Session(key, version=version)
        self.context, self.curve = context, curve
        self.drop_first, self.run_jobs, self.skip_live = drop_first, run_jobs, set(skip_live)
        self.received: List[Any] = []
        self.errors: List[ProtocolError] = []
        self.jobs: Dict[str, PeerJob] = {}
        self._by_request: Dict[str, str] = {}
        self._stop = threading.Event()
        self._bound = threading.Event()
        self._requested_address = address
        self.address = ""
        self._thread = threading.Thread(target=self._run, name="echo-peer", daemon=True)

    def start(self) -> "EchoPeer":
        self._thread.start()
        assert self._bound.wait(5), "echo peer did not bind"
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)

    def _run(self) -> None:
        sock = make_router(self.context, self._requested_address, Limits(), self.curve)
        sock.linger = 0
        self.address = sock.last_endpoint.decode()
        self._bound.set()
        while not self._stop.is_set():
            if sock.poll(10):
                frames = sock.recv_multipart(copy=False)
                self._handle(sock, frames[0].bytes, frames[1:])
        sock.close()

    def _handle(self, sock: zmq.Socket, identity: bytes, frames: list) -> None:
        try:
            msg = self.session.deserialize(frames)
        except AuthenticationError as exc:
            self.errors.append(exc)  # dropped, never answered
            return
        except ProtocolError as exc:
            self.errors.append(exc)
            if exc.header is not None:
                self.session.send(sock, self.session.error_reply_for(exc), identity=identity)
            return
        self.received.append(msg)
        if self.drop_first > 0:
            self.drop_first -= 1
            return
        action = msg.msg_type[: -len("_request")]
        job = self.jobs.get(msg.header.job_id or "")
        if msg.header.job_id is not None and job is None:
            error = self.session.error_reply(msg.header, "job_not_found", "JobNotFound",
                                             f"no job {msg.header.job_id} on this node")
            self.session.send(sock, error, identity=identity)
            return
        getattr(self, f"_on_{action}")(sock, identity, msg, job)

    def _reply(self, sock, identity, msg, content, job_id=None) -> None:
        self.session.send(sock, self.session.reply(msg.header, content, job_id=job_id), identity=identity)

    def _on_hello(self, sock, identity, msg, job) -> None:
        self._reply(sock, identity, msg, {
            "node": {"name": "echo-peer", "version": "test"}, "protocol_version": list(self.session.version),
            "protocol_versions": [list(self.session.version)], "devices": [{"name": "cpu", "kind": "cpu"}],
            "tiers": ["embedded"], "models": [], "emotions": ["happy", "sad"], "directors": ["facs"],
            "renderers": ["meshwarp"], "limits": Limits().to_wire()})

    def _on_heartbeat(self, sock, identity, msg, job) -> None:
        running = sum(j.record["state"] == "running" for j in self.jobs.values())
        queued = sum(j.record["state"] == "queued" for j in self.jobs.values())
        self._reply(sock, identity, msg, {"node_time": time.time(), "jobs_running": running, "jobs_queued": queued})

    def _on_submit_job(self, sock, identity, msg, job) -> None:
        duplicate = msg.header.request_id in self._by_request
        if not duplicate:
            job_id = f"job-{len(self.jobs) + 1}"
            frames = msg.content["source"]["frames"]
            total = len(range(frames["first"], frames["last"] + 1, frames["step"]))
            inline = msg.content["source"]["kind"] == "inline"
            self.jobs[job_id] = PeerJob(record={
                "job_id": job_id, "state": "receiving" if inline else "queued", "stage": None, "frames_done": 0,
                "frames_total": total, "priority": msg.content["priority"], "submitted_at": time.time(),
                "started_at": None, "finished_at": None, "last_seq": 0, "error": None,
            }, source=msg.content["source"], output=msg.content["output"])
            self._by_request[msg.header.request_id] = job_id
        job = self.jobs[self._by_request[msg.header.request_id]]
        job.subscribers[identity] = msg.header.msg_id
        inline = job.source["kind"] == "inline"
        self._reply(sock, identity, msg, {
            "job_id": job.record["job_id"], "state": job.record["state"], "duplicate": duplicate,
            "frames_expected": job.record["frames_total"] if inline else 0}, job_id=job.record["job_id"])
        if not duplicate and not inline and self.run_jobs:
            self._run_job(sock, job)

    def _on_frames_chunk(self, sock, identity, msg, job) -> None:
        for number, buf in zip(msg.content["frames"], msg.buffers):
            job.frames[number] = buf
        complete = len(job.frames) == job.record["frames_total"]
        self._reply(sock, identity, msg, {"received": len(job.frames), "expected": job.record["frames_total"],
                                          "complete": complete})
        if complete and job.record["state"] == "receiving":
            job.record["state"] = "queued"
            if self.run_jobs:
                self._run_job(sock, job)

    def _run_job(self, sock, job: PeerJob) -> None:
        job.record.update(state="running", stage="render", started_at=time.time())
        frames = job.source["frames"]
        numbers = list(range(frames["first"], frames["last"] + 1, frames["step"]))
        for done, number in enumerate(numbers, 1):
            self._emit(sock, job, "progress", {"stage": "render", "frames_done": done - 1,
                                               "frames_total": len(numbers), "fps": 10.0, "eta_s": 0.1})
            self._emit(sock, job, "frame_result", *self._plate(job, number))
            job.record["frames_done"] = done
        job.record.update(state="done", finished_at=time.time())
        output = job.output if job.output["kind"] == "path" else None
        self._emit(sock, job, "job_done", {"frames_written": len(numbers), "elapsed_s": 0.01, "output": output and {
            "directory": output["directory"], "pattern": output["pattern"]}})

    def _plate(self, job: PeerJob, number: int) -> tuple:
        content = {"frame": number, "display_window": [0, 0, 1919, 1079], "data_window": [0, 0, 7, 3],
                   "channels": ["R", "G", "B", "A"]}
        if job.output["kind"] == "path":
            return {**content, "path": f"{job.output['directory']}/face.{number:04d}.exr"}, []
        buf = job.frames.get(number) or make_buffer("plate", "uint8", (4, 8, 4), bytes(4 * 8 * 4))
        height, width = buf.shape[:2]
        return {**content, "data_window": [0, 0, width - 1, height - 1]}, [buf]

    def _emit(self, sock, job: PeerJob, msg_type: str, content: Dict[str, Any], buffers=()) -> None:
        seq = len(job.events) + 1
        job.events.append((msg_type, {**content, "seq": seq}, list(buffers)))
        job.record["last_seq"] = seq
        if seq in self.skip_live:
            return
        for identity, parent in job.subscribers.items():
            self._send_event(sock, job, identity, parent, seq)

    def _send_event(self, sock, job: PeerJob, identity: bytes, parent: str, seq: int) -> None:
        msg_type, content, buffers = job.events[seq - 1]
        self.session.send(sock, self.session.message(msg_type, content, job_id=job.record["job_id"],
                                                     parent_id=parent, buffers=buffers), identity=identity)

    def _on_cancel_job(self, sock, identity, msg, job) -> None:
        if job.record["state"] in ("queued", "receiving", "running"):
            job.record.update(state="cancelled", finished_at=time.time())
            self._emit(sock, job, "job_failed", {"frames_done": job.record["frames_done"], "error": {
                "code": "cancelled", "ename": "JobCancelled", "evalue": "cancelled by a cancel_job request"}})
        self._reply(sock, identity, msg, {"state": job.record["state"]})

    def _on_job_status(self, sock, identity, msg, job) -> None:
        self._reply(sock, identity, msg, {"job": job.record})

    def _on_list_jobs(self, sock, identity, msg, job) -> None:
        states = msg.content["states"]
        records = [j.record for j in self.jobs.values() if not states or j.record["state"] in states]
        self._reply(sock, identity, msg, {"jobs": records[: msg.content["limit"]]})

    def _on_attach_job(self, sock, identity, msg, job) -> None:
        job.subscribers[identity] = msg.header.msg_id
        self._reply(sock, identity, msg, {"job": job.record, "first_seq": 1, "last_seq": len(job.events)})
        for seq in range(msg.content["since"] + 1, len(job.events) + 1):
            self._send_event(sock, job, identity, msg.header.msg_id, seq)
        self.skip_live.clear()
