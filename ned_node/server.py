"""The node process: ROUTER socket, decode -> handle -> reply, worker reports, timers; survives any input."""

from __future__ import annotations

import fcntl
import importlib.util
import json
import logging
import os
import signal
import threading
import time
from pathlib import Path

import zmq

from ned_core.exceptions import NedError
from ned_node.background import Background, Pending
from ned_node.capabilities import hello_content
from ned_node.config import NodeConfig
from ned_node.errors import NodeConfigError, NodeStateError
from ned_node.handlers import RequestHandler
from ned_node.intake import Intake
from ned_node.jobs import JobManager
from ned_node.keys import Allowlist, server_keypair
from ned_node.metrics import MetricsServer, MetricsSnapshot
from ned_node.pool import WorkerPool
from ned_node.publisher import EventPublisher
from ned_node.shot_analysis import ShotAnalyzer
from ned_node.store import JobStore
from ned_node.worker_messages import WorkerSpec
from ned_protocol import AuthenticationError, ProtocolError, ReplayGuard, Session, SizeLimitError, read_key_file
from ned_protocol.sockets import make_router

log = logging.getLogger("ned_node.server")
#: Messages read from the socket per loop turn before workers and timers get their turn.
RECV_BATCH = 256
#: Messages a peer may have queued towards it before sends to it wait (inline plates can be large).
SEND_HWM = 100
TICK_S = 0.5
#: File in the state dir describing the running node (address, pid, metrics port) for `ned node status` and tools.
NODE_INFO = "node.json"


class NodeServer:
    """A render node: call :meth:`serve` (blocks until :meth:`stop`, SIGTERM or SIGINT).

    Args:
        node: the configuration.
        log_level: level of the node's (and its workers') logs.
        log_file: JSON-lines log file shared with the workers; None = stderr.
    """

    def __init__(self, node: NodeConfig, log_level: str = "INFO", log_file: Path | None = None):
        self.node, self.log_level, self.log_file = node, log_level, log_file
        self.address = ""
        self._stop = threading.Event()
        self._counts = {"answered": 0, "error": 0, "dropped": 0}
        self._pending: list[tuple[bytes, Pending]] = []

    def stop(self) -> None:
        """Asks the loop to stop (running jobs stop at a frame boundary and resume on the next start)."""
        self._stop.set()

    def serve(self) -> None:
        """Runs the node until stopped.

        Raises:
            NodeStateError: the state dir is in use by another node or unusable.
            NodeConfigError, KeyFileError, KeyManagementError: keys or options cannot be used.
        """
        node = self.node
        try:
            found = importlib.util.find_spec(node.runner.split(":")[0]) is not None
        except ModuleNotFoundError:
            found = False
        if not found:
            raise NodeConfigError(f"--runner {node.runner}: no such module on this node's Python path")
        node.state_dir.mkdir(parents=True, exist_ok=True)
        lock = _lock_state_dir(node.state_dir)
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, lambda *_: self._stop.set())
        context = zmq.Context()
        key = read_key_file(node.key_file) if node.key_file else None
        # messages signed before this start are refused: a restart does not reopen the replay window
        session = Session(key, limits=node.limits, replay=ReplayGuard(not_before=time.time()) if key else None)
        allowlist = Allowlist(context, node.curve_dir) if node.curve_dir else None
        server_pair = server_keypair(node.curve_dir) if node.curve_dir else None
        try:
            router = make_router(context, node.bind, node.limits, server_pair)
        except zmq.ZMQError as exc:
            raise NodeConfigError(f"--bind {node.bind}: cannot listen there: {exc}") from exc
        router.setsockopt(zmq.ROUTER_MANDATORY, 1)
        router.sndhwm = SEND_HWM
        self.address = router.last_endpoint.decode()
        store = JobStore(node.state_dir / "jobs.sqlite")
        pool = WorkerPool([WorkerSpec(i, device, node.threads_for(device), node.runner, node.model_cache_size,
                                      os.getpid(), self.log_level, str(self.log_file) if self.log_file else None,
                                      write_roots(node), (*(str(p) for p in node.input_roots), *write_roots(node)))
                           for i, device in enumerate(node.worker_devices)])
        publisher = EventPublisher(store, session, router)
        jobs = JobManager(node, store, publisher, pool)
        background = Background()
        handler = RequestHandler(session, jobs, Intake(jobs, background),
                                 lambda: hello_content(node, jobs.device_memory), ShotAnalyzer(node))
        try:
            metrics = MetricsServer(node.metrics_host, node.metrics_port) if node.metrics_port is not None else None
        except OSError as exc:
            raise NodeConfigError(f"--metrics-port {node.metrics_port}: cannot listen on {node.metrics_host}: "
                                  f"{exc.strerror}") from exc
        start_time = time.time()
        try:
            jobs.recover()
            pool.start()
            _write_info(node.state_dir, self.address, metrics.port if metrics else None)
            log.info("node listening", extra={"address": self.address, "workers": len(pool.specs),
                                              "metrics_port": metrics.port if metrics else None,
                                              "signed": node.key_file is not None, "curve": allowlist is not None})
            next_tick = 0.0
            while not self._stop.is_set():
                self._turn(router, session, handler, jobs, pool, publisher, allowlist, background)
                if time.monotonic() >= next_tick:
                    next_tick = time.monotonic() + TICK_S
                    self._guarded(jobs.tick)
                    if allowlist is not None:
                        self._guarded(allowlist.refresh)
                    if metrics is not None:
                        self._guarded(lambda: metrics.publish(self._snapshot(jobs, pool, start_time)))
        finally:
            log.info("node stopping")
            background.close()
            for message in pool.stop(timeout_s=30.0):
                self._guarded(jobs.on_worker_message, message[1])
            store.requeue_interrupted()
            store.close()
            if metrics is not None:
                metrics.close()
            router.close(linger=1000)
            if allowlist is not None:
                allowlist.stop()
            context.term()
            (node.state_dir / NODE_INFO).unlink(missing_ok=True)
            lock.close()

    def _turn(self, router, session, handler, jobs, pool, publisher, allowlist, background) -> None:
        poller = zmq.Poller()
        poller.register(router, zmq.POLLIN)
        for fd in [*pool.waitables(), background.fileno()]:
            poller.register(fd, zmq.POLLIN)
        ready = dict(poller.poll(50))
        if background.fileno() in ready:
            background.drain()
        for identity, pending in [p for p in self._pending if p[1].future.done()]:
            self._pending.remove((identity, pending))
            self._guarded(lambda: self._reply(router, session, identity, pending.finish()))
        if router in ready:
            for _ in range(RECV_BATCH):
                try:
                    frames = router.recv_multipart(zmq.NOBLOCK, copy=False)
                except zmq.Again:
                    break
                self._guarded(self._on_message, router, session, handler, allowlist, frames)
        for _, message in pool.receive():
            self._guarded(jobs.on_worker_message, message)
        for exit in pool.reap():
            self._guarded(jobs.on_worker_exit, exit)
        self._guarded(pool.restart_due)
        self._guarded(jobs.dispatch)
        self._guarded(publisher.pump)

    def _on_message(self, router, session: Session, handler: RequestHandler, allowlist, frames) -> None:
        identity = frames[0].bytes
        if allowlist is not None and len(frames) > 1 and not allowlist.allowed(frames[1].get("User-Id")):
            self._counts["dropped"] += 1
            log.warning("message from a revoked CURVE key dropped", extra={"peer": identity.hex()})
            return
        try:
            msg = session.deserialize(frames[1:])
        except AuthenticationError as exc:
            self._counts["dropped"] += 1
            log.warning("untrusted message dropped",
                        extra={"code": exc.code, "error": str(exc), "peer": identity.hex()})
            return
        except ProtocolError as exc:
            self._counts["error" if exc.header is not None else "dropped"] += 1
            log.info("malformed message", extra={"code": exc.code, "error": str(exc)[:500], "peer": identity.hex(),
                                                 "answered": exc.header is not None})
            if exc.header is not None:
                self._send(router, session, identity, session.error_reply_for(exc))
            return
        reply = handler.handle(identity, msg)
        if isinstance(reply, Pending):
            self._pending.append((identity, reply))
        else:
            self._reply(router, session, identity, reply)

    def _reply(self, router, session: Session, identity: bytes, reply) -> None:
        self._counts["error" if reply.content.get("status") == "error" else "answered"] += 1
        self._send(router, session, identity, reply)

    def _send(self, router, session: Session, identity: bytes, reply) -> None:
        try:
            try:
                session.send(router, reply, identity=identity, flags=zmq.NOBLOCK)
            except SizeLimitError as exc:  # the client would drop it and wait for ever: tell it why instead
                log.warning("reply too large, answered with an error", extra={"msg_type": reply.msg_type,
                                                                              "error": str(exc)[:500]})
                session.send(router, session.error_instead(reply, exc), identity=identity, flags=zmq.NOBLOCK)
        except zmq.Again:
            log.warning("reply dropped: the client's queue is full", extra={"msg_type": reply.msg_type})
        except zmq.ZMQError as exc:
            if exc.errno != zmq.EHOSTUNREACH:
                raise
            log.info("reply dropped: the client disconnected", extra={"msg_type": reply.msg_type})

    def _guarded(self, function, *args) -> None:
        """Runs one step of the loop; an unexpected error is logged and the node keeps serving."""
        try:
            function(*args)
        except NedError as exc:  # a known fault (e.g. the state dir is full): one line, no traceback
            log.error("node loop step failed", extra={"step": getattr(function, "__name__", str(function)),
                                                      "error": str(exc)})
            time.sleep(0.05)
        except Exception:
            log.exception("node loop step failed", extra={"step": getattr(function, "__name__", str(function))})
            time.sleep(0.05)  # a persistent fault (disk full) must not spin the CPU

    def _snapshot(self, jobs: JobManager, pool: WorkerPool, start_time: float) -> MetricsSnapshot:
        now = time.monotonic()
        workers = {"idle": 0, "busy": 0, "starting": 0}
        for handle in pool.handles.values():
            workers["busy" if handle.job_id else "idle" if handle.ready else "starting"] += 1
        recent = [t for t in jobs.frame_times if t > now - 60]
        return MetricsSnapshot(
            jobs=jobs.store.counts(), frames_written=jobs.frames_written,
            frames_per_second=len(recent) / 60.0, workers=workers, worker_restarts=pool.restarts,
            gpu_reserved=dict(jobs.gpu_reserved),
            gpu_total={d: m for d, m in jobs.device_memory.items() if m is not None},
            messages=dict(self._counts), start_time=start_time)


def write_roots(node: NodeConfig) -> tuple[str, ...]:
    """Folders a worker writes below: the output roots, the state dir (inline jobs) and the analysis cache."""
    return tuple(str(p) for p in (*node.output_roots, node.state_dir, node.analysis_cache_dir))


def _lock_state_dir(state_dir: Path):
    """Holds an exclusive lock on the state dir for this process's lifetime (released by the kernel on death)."""
    handle = open(state_dir / "node.lock", "a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise NodeStateError(f"{state_dir} is in use by another running node; give each node its own --state-dir")
    return handle


def _write_info(state_dir: Path, address: str, metrics_port: int | None) -> None:
    info = {"address": address, "pid": os.getpid(), "metrics_port": metrics_port, "started_at": time.time()}
    tmp = state_dir / f".{NODE_INFO}.tmp"
    tmp.write_text(json.dumps(info, indent=2))
    os.replace(tmp, state_dir / NODE_INFO)
