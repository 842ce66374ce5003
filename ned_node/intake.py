"""Accepting work: submit (idempotent, checked, queue-limited) and inline frame chunks."""

from __future__ import annotations

import hashlib
import json
import logging

from ned_node.admission import check_emotion, check_outputs, check_reference, check_source
from ned_node.background import Background, Pending
from ned_node.errors import FramesIncompleteError, JobRequestError, NodeStateError, QueueFullError, error_info
from ned_node.inline import check_chunk, inline_bytes, input_path, write_frame
from ned_node.job_row import UNFINISHED_STATES, JobRow, new_job_id
from ned_node.jobs import JobManager
from ned_node.jobspec import checked_frames, plan_job
from ned_node.progress_events import progress_content
from ned_protocol import Buffer
from ned_protocol.envelope import Header

log = logging.getLogger("ned_node.intake")


def request_hash(content: dict) -> str:
    """Digest of a submit's content: a retry has the same one, a reused request id another."""
    return hashlib.sha256(json.dumps(content, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


class Intake:
    """Turns requests into jobs.

    Args:
        jobs: the job manager (store, publisher and node configuration).
        background: where inline frames are written to disk, off the loop thread.
    """

    def __init__(self, jobs: JobManager, background: Background):
        self.jobs = jobs
        self.background = background

    def submit(self, header: Header, content: dict) -> tuple[JobRow, bool]:
        """Creates a job, or finds the one this request id created before.

        Returns:
            The job and whether it existed already (a retried submit).

        Raises:
            JobRequestError: the request id was used before with different content, or a field breaks a rule.
            QueueFullError: the node holds its maximum of unfinished jobs.
            PathNotAllowedError, SourceCheckError, OutputExistsError, NotAvailableError: see ``plan_job`` and
                ``admission``.
        """
        store, node = self.jobs.store, self.jobs.node
        digest = request_hash(content)
        existing = store.by_request(header.request_id)
        if existing is not None:
            if existing.request_hash != digest:
                raise JobRequestError(f"header.request_id: {header.request_id!r} was used for job {existing.job_id} "
                                      "with different content; use a new request id for a new job",
                                      {"field": "header.request_id", "job_id": existing.job_id})
            return existing, True
        counts = store.counts()
        if sum(counts.get(state, 0) for state in UNFINISHED_STATES) >= node.max_unfinished_jobs:
            raise QueueFullError(f"the node holds {node.max_unfinished_jobs} unfinished jobs, its limit; retry later",
                                 {"limit": node.max_unfinished_jobs})
        now = self.jobs.clock()
        job_id = new_job_id(now)
        plan = plan_job(content, self.jobs.job_dir(job_id), node)
        source = content["source"]
        if plan.inline_source:
            size = inline_bytes(source)
            if size > node.max_inline_bytes:
                raise JobRequestError(f"content.source: the inline frames would take {size} bytes, this node takes "
                                      f"at most {node.max_inline_bytes} per job; split the shot or use a path source",
                                      {"field": "content.source"})
        else:
            check_source(plan, node)
        reference = content["emotion"]["reference"]
        if reference is not None:
            check_reference(plan, node, checked_frames(reference["frames"], node, "content.emotion.reference.frames"))
        if not plan.inline_output:
            check_outputs(plan, content["output"]["overwrite"])
        check_emotion(plan)
        job = store.create(job_id=job_id, request_id=header.request_id, request_hash=digest, client=header.session,
                           state="receiving" if plan.inline_source else "queued", priority=content["priority"],
                           spec=content, frames_total=len(plan.frames),
                           frames_expected=len(plan.frames) if plan.inline_source else 0, now=now)
        if plan.inline_source:
            self.jobs.last_chunk[job_id] = now
        self.jobs.publisher.emit(job_id, "progress", progress_content("queued", 0, job.frames_total))
        log.info("job submitted", extra={"job_id": job_id, "request_id": header.request_id, "client": header.session,
                                         "frames": job.frames_total, "priority": job.priority,
                                         "inline": plan.inline_source})
        return store.get(job_id), False

    def frames(self, job_id: str, frames: list[int], buffers: tuple[Buffer, ...], final: bool) -> dict | Pending:
        """Stores a chunk of an inline job's frames (in the background); queues the job once all have arrived.

        Returns:
            The ``frames_chunk_reply`` content (received, expected, complete), at once for a job that has all its
            frames already, else as a :class:`Pending` whose ``finish()`` gives it once the frames are on disk.

        Raises:
            JobNotFoundError: no such job.
            JobRequestError: the job takes no inline frames, has ended, or a frame number is wrong.
            InlineFrameError: a buffer does not match the declared source.
            FramesIncompleteError: (from ``finish``) ``final`` was set with frames still missing; the job fails.
            NodeStateError: (from ``finish``) the frames could not be written.
        """
        job = self._receiving(job_id)
        if job.state != "receiving":
            return {"received": job.frames_expected, "expected": job.frames_expected, "complete": True}
        source = job.spec["source"]
        check_chunk(source, frames, buffers)
        paths = [input_path(self.jobs.job_dir(job_id), source, frame) for frame in frames]
        future = self.background.submit(_write_frames, paths, source, buffers)
        return Pending(future, lambda: self._stored(job_id, frames, final, future))

    def _receiving(self, job_id: str) -> JobRow:
        job = self.jobs.store.get(job_id)
        if job.spec["source"]["kind"] != "inline":
            raise JobRequestError(f"header.job_id: job {job_id} has a path source and takes no inline frames",
                                  {"field": "header.job_id"})
        if job.state in ("failed", "cancelled"):
            raise JobRequestError(f"header.job_id: job {job_id} is {job.state}; it takes no more frames",
                                  {"field": "header.job_id", "state": job.state})
        return job

    def _stored(self, job_id: str, frames: list[int], final: bool, future) -> dict:
        """After the write: records the frames, queues a complete job, fails one whose last chunk left gaps."""
        try:
            future.result()
        except OSError as exc:
            raise NodeStateError(f"job {job_id}: cannot store inline frames {frames[:5]} under "
                                 f"{self.jobs.job_dir(job_id)}: {exc}", {"frames": frames[:100]}) from exc
        job = self._receiving(job_id)
        store = self.jobs.store
        received = store.record_inputs(job_id, frames)
        expected = job.frames_expected
        if job.state != "receiving":
            return {"received": received, "expected": expected, "complete": True}
        self.jobs.last_chunk[job_id] = self.jobs.clock()
        complete = received >= expected
        if complete:
            self.jobs.last_chunk.pop(job_id, None)
            store.update(job_id, state="queued")
            self.jobs.publisher.emit(job_id, "progress", progress_content("queued", 0, job.frames_total))
        elif final:
            error = FramesIncompleteError(f"job {job_id}: the last chunk arrived with {expected - received} of "
                                          f"{expected} frames missing; submit the job again",
                                          {"received": received, "expected": expected})
            self.jobs.fail(store.get(job_id), error_info(error))
            raise error
        return {"received": received, "expected": expected, "complete": complete}


def _write_frames(paths: list, source: dict, buffers: tuple[Buffer, ...]) -> None:
    for path, buffer in zip(paths, buffers):
        write_frame(path, source, buffer)
