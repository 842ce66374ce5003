"""One stored job as the node reads it, and how job ids are made."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

#: Job states that end a job.
FINAL_STATES = ("done", "failed", "cancelled")
#: Job states that count against the queue limit.
UNFINISHED_STATES = ("receiving", "queued", "running")
#: Columns of the ``jobs`` table, in the order :func:`job_row` reads them (``rowid`` first).
COLUMNS = ("rowid", "job_id", "request_id", "request_hash", "client", "state", "stage", "priority", "spec",
           "frames_total", "frames_done", "frames_expected", "submitted_at", "started_at", "finished_at",
           "last_seq", "error", "attempts", "oom_retries")


@dataclass(frozen=True)
class JobRow:
    """One job as stored.

    Attributes:
        order: submission order (SQLite rowid), the tie-breaker of the queue.
        spec: the cleaned ``submit_job_request`` content.
        request_hash: digest of ``spec``, to tell a retry from a reused request id.
        client: the submitting client's session id (fair queueing is per client).
        frames_expected: inline frames the job waits for (0 for a path source).
        attempts: runs that ended with a dead worker.
        oom_retries: runs that ended out of GPU memory (each retried with a smaller batch).
        error: ``{code, ename, evalue, details}`` of a failed or cancelled job.
    """

    order: int
    job_id: str
    request_id: str
    request_hash: str
    client: str
    state: str
    stage: str | None
    priority: int
    spec: dict
    frames_total: int
    frames_done: int
    frames_expected: int
    submitted_at: float
    started_at: float | None
    finished_at: float | None
    last_seq: int
    error: dict | None
    attempts: int
    oom_retries: int

    @property
    def final(self) -> bool:
        return self.state in FINAL_STATES

    def record(self) -> dict[str, Any]:
        """The protocol's job record (PROTOCOL.md section 9)."""
        return {"job_id": self.job_id, "state": self.state, "stage": self.stage, "frames_done": self.frames_done,
                "frames_total": self.frames_total, "priority": self.priority, "submitted_at": self.submitted_at,
                "started_at": self.started_at, "finished_at": self.finished_at, "last_seq": self.last_seq,
                "error": self.error}


def job_row(values: Sequence[Any]) -> JobRow:
    data = dict(zip(COLUMNS, values))
    data["order"] = data.pop("rowid")
    data["spec"] = json.loads(data["spec"])
    data["error"] = json.loads(data["error"]) if data["error"] else None
    return JobRow(**data)


def new_job_id(now: float) -> str:
    """A unique, sortable-by-day job id such as ``j20260518-3f9c2a1b0d4e``."""
    return f"j{time.strftime('%Y%m%d', time.gmtime(now))}-{uuid.uuid4().hex[:12]}"
