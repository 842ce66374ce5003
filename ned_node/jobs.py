"""Job lifecycle: queue -> worker -> frames -> done/failed; crashes retried, out-of-memory retried smaller, resumes."""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from ned_core.exceptions import JobCancelledError, NedError
from ned_node.admission import check_outputs
from ned_node.config import NodeConfig
from ned_node.errors import (
    FramesIncompleteError, GpuOutOfMemoryError, JobStateWriteError, MissingPlatesError, WorkerCrashError, error_info,
)
from ned_node.job_row import JobRow
from ned_node.jobspec import JobPlan, plan_job
from ned_node.oom import OomPolicy
from ned_node.partials import own_plates, remove_partials
from ned_node.pool import WorkerExit, WorkerPool
from ned_node.progress_events import STAGES, progress_content
from ned_node.publisher import EventPublisher
from ned_node.scheduler import QueuedJob, pick_next
from ned_node.store import JobStore
from ned_node.worker_messages import (
    JobFailed,
    JobFinished,
    JobProgress,
    JobStopped,
    PlateWritten,
    RunJob,
    WorkerReady,
)

log = logging.getLogger("ned_node.jobs")
#: Stored progress events per running job are at least this far apart (stage changes and last frames excepted).
PROGRESS_INTERVAL_S = 0.5
#: Pipeline warnings a ``job_done`` carries (the protocol's limits), the rest stay in the node log.
MAX_WARNINGS, WARNING_CHARS = 100, 2000
#: Clients whose turn in the queue is remembered (fairness); the ones served longest ago are forgotten first.
MAX_CLIENTS_REMEMBERED = 10_000
#: How often finished jobs past their retention time are looked for, seconds.
PRUNE_INTERVAL_S = 30.0


def _result(message: PlateWritten) -> dict:
    """What the node keeps about a written plate."""
    return {"path": message.path, "display_window": list(message.display_window),
            "data_window": list(message.data_window), "channels": list(message.channels)}


@dataclass
class _Run:
    """A job on a worker."""

    client: str
    worker: int
    plan: JobPlan
    stage: str = "plates"
    last_progress: float = 0.0


class JobManager:
    """Moves jobs through their states; every change is stored and published as an event.

    Args:
        node: the node's configuration.
        store: the job store.
        publisher: stores and delivers events.
        pool: the worker processes.
        policy: batch sizes after GPU out-of-memory errors.
        clock: wall-clock time source.
    """

    def __init__(self, node: NodeConfig, store: JobStore, publisher: EventPublisher, pool: WorkerPool,
                 policy: OomPolicy = OomPolicy(), clock: Callable[[], float] = time.time):
        self.node, self.store, self.publisher, self.pool = node, store, publisher, pool
        self.policy, self.clock = policy, clock
        self.running: dict[str, _Run] = {}
        self.cancelling: dict[str, float] = {}
        self.last_chunk: dict[str, float] = {}
        self.device_memory: dict[str, int | None] = {}
        self.gpu_reserved: dict[str, int] = {}
        self.frame_times: list[float] = []
        self.frames_written = 0
        #: Jobs that failed because their state could not be saved: the error clients were told (see ``_unsaved``).
        self.unsaved: dict[str, dict] = {}
        self._served: dict[str, int] = {}
        self._serial = 0
        self._next_prune = 0.0

    def job_dir(self, job_id: str) -> Path:
        return self.node.state_dir / "jobs" / job_id

    def recover(self) -> None:
        """At start-up: interrupted jobs go back to the queue; receiving jobs get a fresh upload timeout."""
        for job_id in self.store.requeue_interrupted():
            job = self.store.get(job_id)
            log.info("resuming interrupted job", extra={"job_id": job_id, "frames_done": job.frames_done})
            self._queued_event(job)
        for job in self.store.jobs(["receiving"], limit=1 << 30):
            self.last_chunk[job.job_id] = self.clock()

    # --- dispatch ---------------------------------------------------------------------------
    def dispatch(self) -> None:
        """Starts queued jobs on idle workers, fairly (see ``scheduler.pick_next``)."""
        idle = self.pool.idle()
        if not idle:
            return
        waiting = [QueuedJob(*row) for row in self.store.queued() if row[0] not in self.unsaved]
        while idle and waiting:
            pick = pick_next(waiting, [run.client for run in self.running.values()], self._served)
            waiting.remove(pick)
            job = self.store.get(pick.job_id)
            try:
                self._start(job, idle.pop(0))
            except JobStateWriteError as exc:
                self._unsaved(job.job_id, exc)
            except Exception as exc:  # a job that cannot even start must not block the queue
                log.exception("job could not start", extra={"job_id": job.job_id})
                self.running.pop(job.job_id, None)
                self.fail(job, error_info(exc))

    def _start(self, job: JobRow, handle) -> None:
        try:
            plan = plan_job(job.spec, self.job_dir(job.job_id), self.node)
            batch = self.policy.batch_size(job.oom_retries) if job.oom_retries else None
            finished = self.store.finished_frames(job.job_id)
            remove_partials(plan, finished)
            if not plan.inline_output:  # another job may have filled the folder since this one was accepted
                check_outputs(plan, job.spec["output"]["overwrite"], own=finished | own_plates(plan, finished))
        except NedError as exc:  # e.g. the roots changed, or the plates exist now
            self.fail(job, error_info(exc))
            return
        config = replace(plan.config, device="cuda" if handle.spec.device.startswith("cuda") else "cpu")
        task = RunJob(job.job_id, plan.request, config, finished, batch)
        if not self.pool.assign(handle, task):
            return  # the worker died meanwhile; the job stays queued
        self.running[job.job_id] = _Run(job.client, handle.spec.index, plan, last_progress=time.monotonic())
        self._serial += 1
        self._served[job.client] = self._serial
        if len(self._served) > MAX_CLIENTS_REMEMBERED:  # forget the clients served longest ago
            for client in sorted(self._served, key=self._served.get)[:len(self._served) // 2]:
                del self._served[client]
        fields = {"state": "running", "stage": "plates"}
        if job.started_at is None:
            fields["started_at"] = self.clock()
        log.info("job dispatched", extra={"job_id": job.job_id, "worker": handle.spec.index,
                                          "skip": len(task.skip_frames), "batch_size": batch})
        content = progress_content("plates", job.frames_done, job.frames_total)
        self.publisher.emit(job.job_id, "progress", content, **fields)

    # --- worker reports -----------------------------------------------------------------------
    def on_worker_message(self, message: object) -> None:
        if isinstance(message, WorkerReady):
            self.device_memory[message.device] = message.memory_bytes
            return
        try:
            self._on_job_message(message)
        except JobStateWriteError as exc:
            self._unsaved(message.job_id, exc)

    def _unsaved(self, job_id: str, exc: JobStateWriteError) -> None:
        """A job whose state cannot be saved fails now: its worker stops, its clients get ``job_failed`` (not
        stored), status requests answer "failed", and the node keeps serving. The failure is written to the
        store as soon as it can be (``tick``); a restart before that resumes the job."""
        if job_id in self.unsaved:
            return
        if self.running.pop(job_id, None) is not None:
            self.pool.cancel(job_id)
            self.cancelling[job_id] = time.monotonic()
        job = self.store.find(job_id)
        error = error_info(exc)
        self.unsaved[job_id] = {"error": error, "finished_at": self.clock()}
        log.error("job failed: its state cannot be saved", extra={"job_id": job_id, "store": str(self.store.path),
                                                                  "error": str(exc)})
        self.publisher.announce(job_id, "job_failed", {"error": error, "frames_done": job.frames_done if job else 0})

    def record(self, job: JobRow) -> dict:
        """The protocol's job record, with a failure that could not be saved yet."""
        record = job.record()
        lost = self.unsaved.get(job.job_id)
        return record if lost is None else {**record, "state": "failed", **lost}

    def _on_job_message(self, message: object) -> None:
        job = self._live(message.job_id)
        if isinstance(message, (JobFinished, JobFailed, JobStopped)):
            run = self.running.pop(message.job_id, None)
            self.cancelling.pop(message.job_id, None)
        else:
            run = self.running.get(message.job_id)
        if job is None or run is None:  # cancelled meanwhile: what the worker still reports is not published,
            if run is not None and isinstance(message, PlateWritten) and message.job_id in self.cancelling:
                self.store.add_frame(message.job_id, message.frame, _result(message))  # but its plates count
            return
        if isinstance(message, JobProgress):
            self._on_progress(job, run, message)
        elif isinstance(message, PlateWritten):
            self._on_plate(job, run, message)
        elif isinstance(message, JobFinished):
            self._on_finished(job, run, message)
        elif isinstance(message, JobFailed):
            self._on_failed(job, message)
        elif isinstance(message, JobStopped) and message.interrupted:
            self.store.update(job.job_id, state="queued", stage=None)
            self._queued_event(self.store.get(job.job_id))

    def on_worker_exit(self, exit: WorkerExit) -> None:
        """A worker died: what it said last is applied; its job is retried from its last finished frame."""
        for message in exit.messages:
            self.on_worker_message(message)
        if exit.job_id is None:
            return
        run = self.running.pop(exit.job_id, None)
        self.cancelling.pop(exit.job_id, None)
        if run is not None:
            remove_partials(run.plan, self.store.finished_frames(exit.job_id))
        job = self._live(exit.job_id)
        if job is None or run is None:
            return
        attempts = job.attempts + 1
        if attempts >= self.node.max_attempts:
            error = WorkerCrashError(
                f"the worker process running this job died {attempts} times (last exit code {exit.exitcode}, "
                f"worker {exit.spec.index} on {exit.spec.device}); the node log has details",
                {"attempts": attempts, "exitcode": exit.exitcode})
            self.store.update(job.job_id, attempts=attempts)
            self.fail(self.store.get(job.job_id), error_info(error))
            return
        log.warning("retrying job after a worker died", extra={"job_id": job.job_id, "attempt": attempts + 1,
                                                                "frames_done": job.frames_done})
        self.store.update(job.job_id, state="queued", stage=None, attempts=attempts)
        self._queued_event(self.store.get(job.job_id))

    def _on_progress(self, job: JobRow, run: _Run, message: JobProgress) -> None:
        if message.gpu_memory_bytes is not None:
            self.gpu_reserved[self._device_of(run)] = message.gpu_memory_bytes
        stage = STAGES.get(message.stage, run.stage)
        now = time.monotonic()
        if stage == run.stage and now - run.last_progress < PROGRESS_INTERVAL_S and message.done < message.total:
            return
        run.stage, run.last_progress = stage, now
        content = progress_content(stage, message.done, message.total, message.fps, message.eta_s)
        self.publisher.emit(job.job_id, "progress", content, stage=stage)

    def _on_plate(self, job: JobRow, run: _Run, message: PlateWritten) -> None:
        result = _result(message)
        event = {**result, "frame": message.frame, "path": None if run.plan.inline_output else message.path}
        if self.publisher.emit_frame(job.job_id, message.frame, result, event) is not None:
            self.frames_written += 1
            self.frame_times = [t for t in self.frame_times if t > time.monotonic() - 60] + [time.monotonic()]

    def _on_finished(self, job: JobRow, run: _Run, message: JobFinished) -> None:
        for warning in message.warnings:
            log.warning("pipeline warning", extra={"job_id": job.job_id, "warning": warning})
        missing = sorted(set(run.plan.frames) - self.store.finished_frames(job.job_id))
        if missing:
            self.fail(job, error_info(MissingPlatesError(
                f"the pipeline finished without plates for {len(missing)} frame(s), first {missing[:10]}; the node "
                "log has details", {"frames": missing[:100]})))
            return
        output = None if run.plan.inline_output else {"directory": job.spec["output"]["directory"],
                                                     "pattern": run.plan.plate_pattern()}
        elapsed = max(0.0, self.clock() - (job.started_at or job.submitted_at))
        warnings = [w[:WARNING_CHARS] for w in message.warnings[:MAX_WARNINGS]]
        self._finish(job, "done", "job_done", {"frames_written": job.frames_done, "elapsed_s": elapsed,
                                               "output": output, "warnings": warnings})

    def _on_failed(self, job: JobRow, message: JobFailed) -> None:
        if not message.out_of_memory:
            self.fail(job, message.error)
            return
        retries = job.oom_retries + 1
        try:
            batch = self.policy.batch_size(retries)
        except GpuOutOfMemoryError as exc:
            self.fail(job, error_info(exc))
            return
        log.warning("job ran out of GPU memory; retrying with a smaller batch",
                    extra={"job_id": job.job_id, "batch_size": batch})
        self.store.update(job.job_id, state="queued", stage=None, oom_retries=retries)
        self._queued_event(self.store.get(job.job_id))

    # --- endings ---------------------------------------------------------------------------
    def cancel(self, job_id: str) -> str:
        """Cancels a job (a running one stops at its next frame boundary); returns its state afterwards."""
        job = self.store.get(job_id)
        if job.final:
            return job.state
        error = error_info(JobCancelledError(f"job {job_id} was cancelled by a client after {job.frames_done} of "
                                             f"{job.frames_total} frames; the plates written so far are complete"))
        self._finish(job, "cancelled", "job_failed", {"error": error, "frames_done": job.frames_done}, error)
        if job_id in self.running:
            self.pool.cancel(job_id)
            self.cancelling[job_id] = time.monotonic()
        return "cancelled"

    def fail(self, job: JobRow, error: dict) -> None:
        """Ends a job as failed with ``error`` (``{code, ename, evalue, details}``)."""
        self._finish(job, "failed", "job_failed", {"error": error, "frames_done": job.frames_done}, error)

    def _finish(self, job: JobRow, state: str, msg_type: str, content: dict, error: dict | None = None) -> None:
        log.info("job finished", extra={"job_id": job.job_id, "state": state, "frames_done": job.frames_done,
                                        "error_code": error["code"] if error else None})
        self.last_chunk.pop(job.job_id, None)
        shutil.rmtree(self.job_dir(job.job_id) / "input", ignore_errors=True)  # inline frames are not needed now
        self.publisher.emit(job.job_id, msg_type, content, state=state, finished_at=self.clock(), error=error)

    def _queued_event(self, job: JobRow) -> None:
        self.publisher.emit(job.job_id, "progress", progress_content("queued", job.frames_done, job.frames_total))

    def _live(self, job_id: str) -> JobRow | None:
        """The job if it still exists and has not ended (a cancelled job's late reports are ignored)."""
        job = self.store.find(job_id)
        return job if job is not None and not job.final and job_id not in self.unsaved else None

    def _device_of(self, run: _Run) -> str:
        return next((s.device for s in self.pool.specs if s.index == run.worker), "cpu")

    # --- periodic ---------------------------------------------------------------------------
    def tick(self) -> None:
        """Keep-alive progress, stuck cancels, upload time-outs, failures not saved yet, removal of expired jobs."""
        now = self.clock()
        for job_id, lost in list(self.unsaved.items()):
            try:
                self.store.update(job_id, state="failed", stage=None, **lost)
            except JobStateWriteError:
                break  # still no space: tried again on the next tick
            del self.unsaved[job_id]
        for job_id, since in list(self.cancelling.items()):
            if time.monotonic() - since > self.node.cancel_grace_s:  # e.g. a long analysis: stop it the hard way
                log.warning("a cancelled job did not stop in time; killing its worker", extra={"job_id": job_id})
                self.pool.kill(job_id)
                del self.cancelling[job_id]
        for job_id in list(self.publisher.subscribers):
            if now - self.publisher.last_event_at.get(job_id, 0.0) >= self.node.keepalive_s:
                job = self._live(job_id)
                if job is not None:
                    stage = job.stage if job.state == "running" and job.stage else "queued"
                    try:
                        self.publisher.emit(job_id, "progress",
                                            progress_content(stage, job.frames_done, job.frames_total))
                    except JobStateWriteError as exc:
                        self._unsaved(job_id, exc)
        for job_id, since in list(self.last_chunk.items()):
            job = self._live(job_id)
            if job is None or job.state != "receiving":
                self.last_chunk.pop(job_id, None)
            elif now - since > self.node.receive_timeout_s:
                self.fail(job, error_info(FramesIncompleteError(
                    f"job {job_id} received no frames for {self.node.receive_timeout_s:g} s and was dropped; submit "
                    "it again")))
        if time.monotonic() < self._next_prune:
            return
        self._next_prune = time.monotonic() + min(PRUNE_INTERVAL_S, max(self.node.retention_s / 4, 0.5))
        for job_id in self.store.expired(now - self.node.retention_s):
            shutil.rmtree(self.job_dir(job_id), ignore_errors=True)
            self.store.delete(job_id)
            self.publisher.forget(job_id)
            log.info("job removed after its retention time", extra={"job_id": job_id})
