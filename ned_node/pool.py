"""The node's side of its worker processes: start (spawn), hand out jobs, notice deaths, restart with back-off."""

from __future__ import annotations

import logging
import multiprocessing
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from ned_node.worker import worker_main
from ned_node.worker_messages import (
    CancelJob,
    JobFailed,
    JobFinished,
    JobStopped,
    RunJob,
    StopWorker,
    WorkerReady,
    WorkerSpec,
)

log = logging.getLogger("ned_node.pool")
#: A worker dying sooner than this after its start counts as a crash loop: restarts back off up to MAX_BACKOFF_S.
FAST_DEATH_S = 30.0
MAX_BACKOFF_S = 60.0


@dataclass
class WorkerHandle:
    """One live worker process as the node sees it."""

    spec: WorkerSpec
    process: BaseProcess
    conn: Connection
    started_at: float
    ready: bool = False
    job_id: str | None = None
    stopping: bool = False


@dataclass(frozen=True)
class WorkerExit:
    """A worker process that ended: what it was running and what it said last."""

    spec: WorkerSpec
    pid: int | None
    exitcode: int | None
    job_id: str | None
    messages: tuple = field(default=())


class WorkerPool:
    """Worker processes, one per spec, each restarted when it dies.

    Args:
        specs: one per worker.
        clock: monotonic time source.
    """

    def __init__(self, specs: Sequence[WorkerSpec], clock: Callable[[], float] = time.monotonic):
        self.specs = tuple(specs)
        self.clock = clock
        self.handles: dict[int, WorkerHandle] = {}
        self.restarts = 0
        self._context = multiprocessing.get_context("spawn")
        self._restart_at: dict[int, float] = {}
        self._fast_deaths: dict[int, int] = {}

    def start(self) -> None:
        for spec in self.specs:
            self._spawn(spec)

    def _spawn(self, spec: WorkerSpec) -> None:
        parent, child = self._context.Pipe(duplex=True)
        process = self._context.Process(target=worker_main, args=(child, spec), name=f"ned-worker-{spec.index}")
        process.start()
        child.close()
        self.handles[spec.index] = WorkerHandle(spec, process, parent, self.clock())
        log.info("worker started", extra={"worker": spec.index, "device": spec.device, "pid": process.pid})

    def waitables(self) -> list[int]:
        """File descriptors that become readable when a worker sends something or dies."""
        fds = []
        for handle in self.handles.values():
            fds += [handle.conn.fileno(), handle.process.sentinel]
        return fds

    def receive(self) -> list[tuple[WorkerHandle, object]]:
        """Every message waiting from any worker, in the order each worker sent them."""
        received = []
        for handle in list(self.handles.values()):
            received += [(handle, message) for message in _drain(handle)]
        return received

    def reap(self) -> list[WorkerExit]:
        """Workers that died (their last messages included); each is restarted, with back-off in a crash loop."""
        exits = []
        now = self.clock()
        for index, handle in list(self.handles.items()):
            if handle.process.is_alive():
                continue
            messages = tuple(_drain(handle))
            handle.process.join()
            handle.conn.close()
            del self.handles[index]
            exits.append(WorkerExit(handle.spec, handle.process.pid, handle.process.exitcode, handle.job_id, messages))
            if handle.stopping:
                continue
            fast = now - handle.started_at < FAST_DEATH_S and handle.job_id is None
            self._fast_deaths[index] = self._fast_deaths.get(index, 0) + 1 if fast else 0
            delay = min(MAX_BACKOFF_S, 2.0 ** self._fast_deaths[index] - 1)
            self._restart_at[index] = now + delay
            log.error("worker died", extra={"worker": index, "pid": handle.process.pid, "job_id": handle.job_id,
                                            "exitcode": handle.process.exitcode, "restart_in_s": delay})
        return exits

    def restart_due(self) -> None:
        """Starts the replacements whose back-off has passed."""
        now = self.clock()
        for index, when in list(self._restart_at.items()):
            if now >= when:
                del self._restart_at[index]
                self.restarts += 1
                self._spawn(next(s for s in self.specs if s.index == index))

    def idle(self) -> list[WorkerHandle]:
        return [h for h in self.handles.values() if h.ready and h.job_id is None and not h.stopping]

    def worker_of(self, job_id: str) -> WorkerHandle | None:
        return next((h for h in self.handles.values() if h.job_id == job_id), None)

    def assign(self, handle: WorkerHandle, job: RunJob) -> bool:
        """Sends a job to an idle worker; False if the worker died meanwhile (it will be reaped)."""
        try:
            handle.conn.send(job)
        except OSError:
            return False
        handle.job_id = job.job_id
        return True

    def cancel(self, job_id: str) -> None:
        """Asks the worker running ``job_id`` to stop at the next frame boundary."""
        handle = self.worker_of(job_id)
        if handle is not None:
            try:
                handle.conn.send(CancelJob(job_id))
            except OSError:
                pass  # it died; reaping reports it

    def kill(self, job_id: str) -> None:
        """Kills the worker running ``job_id`` (reaping restarts it)."""
        handle = self.worker_of(job_id)
        if handle is not None:
            handle.process.kill()

    def stop(self, timeout_s: float) -> list[tuple[WorkerHandle, object]]:
        """Stops every worker (running jobs end at a frame boundary); kills those that do not exit in time.

        Returns:
            The messages the workers sent while stopping (finished frames, stopped jobs).
        """
        for handle in self.handles.values():
            handle.stopping = True
            try:
                handle.conn.send(StopWorker())
            except OSError:
                pass  # already gone
        deadline = time.monotonic() + timeout_s
        received = []
        while self.handles and time.monotonic() < deadline:
            received += self.receive()
            for handle in list(self.handles.values()):
                handle.process.join(0.05)
                if not handle.process.is_alive():
                    received += [(handle, m) for m in _drain(handle)]
                    handle.conn.close()
                    del self.handles[handle.spec.index]
        for handle in self.handles.values():
            log.warning("worker did not stop in time; killing it", extra={"worker": handle.spec.index})
            handle.process.kill()
            handle.process.join()
        self.handles.clear()
        return received


def _drain(handle: WorkerHandle) -> list:
    messages = []
    try:
        while handle.conn.poll():
            message = handle.conn.recv()
            if isinstance(message, WorkerReady):
                handle.ready = True
            elif isinstance(message, (JobFinished, JobFailed, JobStopped)) and message.job_id == handle.job_id:
                handle.job_id = None  # the worker is free again
            messages.append(message)
    except (EOFError, OSError):
        pass  # the worker is gone; reap() reports it
    return messages
