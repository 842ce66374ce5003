"""The job store: SQLite (WAL) in the state dir; jobs, finished frames, received inputs and per-job events."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ned_node.errors import JobNotFoundError, JobStateWriteError, NodeStateError
from ned_node.job_row import COLUMNS, FINAL_STATES, JobRow, job_row

#: Schema version kept in ``PRAGMA user_version``; a newer file is refused, never rewritten.
SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    job_id TEXT PRIMARY KEY,
    request_id TEXT NOT NULL UNIQUE,
    request_hash TEXT NOT NULL,
    client TEXT NOT NULL,
    state TEXT NOT NULL,
    stage TEXT,
    priority INTEGER NOT NULL,
    spec TEXT NOT NULL,
    frames_total INTEGER NOT NULL,
    frames_done INTEGER NOT NULL DEFAULT 0,
    frames_expected INTEGER NOT NULL DEFAULT 0,
    submitted_at REAL NOT NULL,
    started_at REAL,
    finished_at REAL,
    last_seq INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    oom_retries INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS jobs_by_state ON jobs (state, priority);
CREATE TABLE IF NOT EXISTS frames (
    job_id TEXT NOT NULL, frame INTEGER NOT NULL, result TEXT NOT NULL, PRIMARY KEY (job_id, frame)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS inputs (
    job_id TEXT NOT NULL, frame INTEGER NOT NULL, PRIMARY KEY (job_id, frame)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS events (
    job_id TEXT NOT NULL, seq INTEGER NOT NULL, msg_type TEXT NOT NULL, content TEXT NOT NULL,
    PRIMARY KEY (job_id, seq)
) WITHOUT ROWID;
"""
_SELECT = f"SELECT {', '.join(COLUMNS)} FROM jobs"


class JobStore:
    """Every durable fact about jobs; one connection, used by the node's main loop thread only.

    Each method is one transaction, so a killed node leaves either all or none of a change:
    e.g. a finished frame and its ``frame_result`` event are written together.

    Args:
        path: the SQLite file (created with its folder).

    Raises:
        NodeStateError: the file cannot be opened, or was written by a newer node.
    """

    def __init__(self, path: Path):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")  # durable across process crashes, fast commits
            self._db.execute("PRAGMA busy_timeout=5000")
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise NodeStateError(f"{path}: job store schema {version} was written by a newer node "
                                     f"(this node reads {SCHEMA_VERSION}); upgrade the node or use another --state-dir")
            self._db.executescript(_SCHEMA)
            self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        except sqlite3.Error as exc:
            raise NodeStateError(f"{path}: cannot open the job store: {exc}") from exc
        self.path = path

    def close(self) -> None:
        self._db.close()

    def _tx(self):
        return _Transaction(self._db)

    # --- jobs -----------------------------------------------------------------------------
    def create(self, *, job_id: str, request_id: str, request_hash: str, client: str, state: str, priority: int,
               spec: dict, frames_total: int, frames_expected: int, now: float) -> JobRow:
        with self._tx():
            self._db.execute(
                "INSERT INTO jobs (job_id, request_id, request_hash, client, state, priority, spec, frames_total, "
                "frames_expected, submitted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (job_id, request_id, request_hash, client, state, priority, json.dumps(spec), frames_total,
                 frames_expected, now))
        return self.get(job_id)

    def get(self, job_id: str) -> JobRow:
        row = self._db.execute(f"{_SELECT} WHERE job_id = ?", (job_id,)).fetchone()
        if row is None:
            raise JobNotFoundError(f"no job {job_id!r} on this node (never submitted, or removed after the "
                                   "node's retention time)", {"job_id": job_id})
        return job_row(row)

    def find(self, job_id: str) -> JobRow | None:
        """The job, or None if there is none with this id."""
        row = self._db.execute(f"{_SELECT} WHERE job_id = ?", (job_id,)).fetchone()
        return job_row(row) if row else None

    def by_request(self, request_id: str) -> JobRow | None:
        """The job submitted with ``request_id``, if any (idempotent submit)."""
        row = self._db.execute(f"{_SELECT} WHERE request_id = ?", (request_id,)).fetchone()
        return job_row(row) if row else None

    def jobs(self, states: Iterable[str] = (), limit: int = 1000) -> list[JobRow]:
        """Jobs in ``states`` (all when empty), newest first."""
        states = tuple(states)
        where = f" WHERE state IN ({', '.join('?' * len(states))})" if states else ""
        rows = self._db.execute(f"{_SELECT}{where} ORDER BY rowid DESC LIMIT ?", (*states, limit)).fetchall()
        return [job_row(r) for r in rows]

    def queued(self) -> list[tuple[str, str, int, int]]:
        """``(job_id, client, priority, order)`` of the jobs waiting for a worker, in submission order."""
        return self._db.execute("SELECT job_id, client, priority, rowid FROM jobs WHERE state = 'queued' "
                                "ORDER BY rowid").fetchall()

    def counts(self) -> dict[str, int]:
        """Number of jobs per state."""
        return dict(self._db.execute("SELECT state, COUNT(*) FROM jobs GROUP BY state").fetchall())

    def update(self, job_id: str, **fields: Any) -> None:
        """Sets job columns (``error`` as a map); unknown column names are a programming error."""
        if "error" in fields and fields["error"] is not None:
            fields["error"] = json.dumps(fields["error"])
        if not fields or not set(fields) <= set(COLUMNS):
            raise ValueError(f"unknown job columns {sorted(set(fields) - set(COLUMNS))}")
        assignments = ", ".join(f"{name} = ?" for name in fields)
        with self._tx():
            self._db.execute(f"UPDATE jobs SET {assignments} WHERE job_id = ?", (*fields.values(), job_id))

    def requeue_interrupted(self) -> list[str]:
        """At start-up: jobs a dead node left running go back to the queue (they resume where they were)."""
        ids = [r[0] for r in self._db.execute("SELECT job_id FROM jobs WHERE state = 'running'")]
        with self._tx():
            self._db.execute("UPDATE jobs SET state = 'queued', stage = NULL WHERE state = 'running'")
        return ids

    def expired(self, finished_before: float) -> list[str]:
        """Final jobs that finished before the given time."""
        marks = ", ".join("?" * len(FINAL_STATES))
        return [r[0] for r in self._db.execute(
            f"SELECT job_id FROM jobs WHERE state IN ({marks}) AND finished_at < ?", (*FINAL_STATES, finished_before))]

    def delete(self, job_id: str) -> None:
        """Removes a job with its frames, inputs and events."""
        with self._tx():
            for table in ("events", "frames", "inputs", "jobs"):
                self._db.execute(f"DELETE FROM {table} WHERE job_id = ?", (job_id,))

    # --- events ---------------------------------------------------------------------------
    def append_event(self, job_id: str, msg_type: str, content: dict, **job_fields: Any) -> dict:
        """Stores the job's next event (its ``seq`` added) and optional job columns, in one transaction.

        Returns:
            The stored content, ``seq`` included.
        """
        with self._tx():
            seq = self._next_seq(job_id)
            content = {**content, "seq": seq}
            self._insert_event(job_id, seq, msg_type, content, job_fields)
        return content

    def record_frame(self, job_id: str, frame: int, result: dict, event: dict) -> dict | None:
        """Stores a finished frame and its ``frame_result`` event together; None if it was already stored.

        Args:
            result: what the node keeps about the plate (path, windows, channels).
            event: the ``frame_result`` content without ``seq``.
        """
        with self._tx():
            known = self._db.execute("SELECT 1 FROM frames WHERE job_id = ? AND frame = ?", (job_id, frame)).fetchone()
            if known:
                return None
            self._db.execute("INSERT INTO frames (job_id, frame, result) VALUES (?, ?, ?)",
                             (job_id, frame, json.dumps(result)))
            seq = self._next_seq(job_id)
            content = {**event, "seq": seq}
            self._insert_event(job_id, seq, "frame_result", content, {})
            self._db.execute("UPDATE jobs SET frames_done = frames_done + 1 WHERE job_id = ?", (job_id,))
        return content

    def add_frame(self, job_id: str, frame: int, result: dict) -> None:
        """Stores a finished frame without an event (a plate a cancelled job's worker completed after the cancel:
        the job's record counts every plate on disk)."""
        with self._tx():
            added = self._db.execute("INSERT OR IGNORE INTO frames (job_id, frame, result) VALUES (?, ?, ?)",
                                     (job_id, frame, json.dumps(result))).rowcount
            self._db.execute("UPDATE jobs SET frames_done = frames_done + ? WHERE job_id = ?", (added, job_id))

    def events_since(self, job_id: str, since: int, limit: int = 1 << 30) -> list[tuple[str, dict]]:
        """``(msg_type, content)`` of the held events with ``seq > since``, in order, at most ``limit``."""
        rows = self._db.execute("SELECT msg_type, content FROM events WHERE job_id = ? AND seq > ? ORDER BY seq "
                                "LIMIT ?", (job_id, since, limit))
        return [(msg_type, json.loads(content)) for msg_type, content in rows]

    def first_seq(self, job_id: str) -> int:
        """The oldest held event's seq (``last_seq + 1`` when none is held)."""
        row = self._db.execute("SELECT MIN(seq), (SELECT last_seq FROM jobs WHERE job_id = ?) FROM events "
                               "WHERE job_id = ?", (job_id, job_id)).fetchone()
        return row[0] if row[0] is not None else (row[1] or 0) + 1

    # --- frames -----------------------------------------------------------------------------
    def finished_frames(self, job_id: str) -> frozenset[int]:
        return frozenset(r[0] for r in self._db.execute("SELECT frame FROM frames WHERE job_id = ?", (job_id,)))

    def frame_result(self, job_id: str, frame: int) -> dict:
        row = self._db.execute("SELECT result FROM frames WHERE job_id = ? AND frame = ?", (job_id, frame)).fetchone()
        if row is None:
            raise JobNotFoundError(f"job {job_id!r} has no finished frame {frame}", {"job_id": job_id, "frame": frame})
        return json.loads(row[0])

    def record_inputs(self, job_id: str, frames: Iterable[int]) -> int:
        """Marks inline source frames as received; returns how many distinct frames the job has now."""
        with self._tx():
            self._db.executemany("INSERT OR IGNORE INTO inputs (job_id, frame) VALUES (?, ?)",
                                 [(job_id, f) for f in frames])
            return self._db.execute("SELECT COUNT(*) FROM inputs WHERE job_id = ?", (job_id,)).fetchone()[0]

    def received_inputs(self, job_id: str) -> frozenset[int]:
        return frozenset(r[0] for r in self._db.execute("SELECT frame FROM inputs WHERE job_id = ?", (job_id,)))

    # --- helpers (inside a transaction) -------------------------------------------------
    def _next_seq(self, job_id: str) -> int:
        row = self._db.execute("SELECT last_seq FROM jobs WHERE job_id = ?", (job_id,)).fetchone()
        if row is None:
            raise JobNotFoundError(f"no job {job_id!r} on this node", {"job_id": job_id})
        return row[0] + 1

    def _insert_event(self, job_id: str, seq: int, msg_type: str, content: dict, job_fields: dict) -> None:
        if not set(job_fields) <= set(COLUMNS):
            raise ValueError(f"unknown job columns {sorted(set(job_fields) - set(COLUMNS))}")
        self._db.execute("INSERT INTO events (job_id, seq, msg_type, content) VALUES (?, ?, ?, ?)",
                         (job_id, seq, msg_type, json.dumps(content)))
        fields = {"last_seq": seq, **job_fields}
        if fields.get("error") is not None:
            fields["error"] = json.dumps(fields["error"])
        assignments = ", ".join(f"{name} = ?" for name in fields)
        self._db.execute(f"UPDATE jobs SET {assignments} WHERE job_id = ?", (*fields.values(), job_id))


class _Transaction:
    """``BEGIN IMMEDIATE`` ... ``COMMIT`` (``ROLLBACK`` on error) on an autocommit connection.

    Raises:
        JobStateWriteError: SQLite cannot write (disk full, read-only, I/O error); nothing of the change is kept.
    """

    def __init__(self, db: sqlite3.Connection):
        self._db = db

    def __enter__(self) -> None:
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise _write_error(exc) from exc

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            self._db.execute("ROLLBACK" if exc_type else "COMMIT")
        except sqlite3.Error as error:
            if self._db.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    self._db.execute("ROLLBACK")
            raise _write_error(error) from error
        if isinstance(exc, sqlite3.Error):
            raise _write_error(exc) from exc


def _write_error(exc: sqlite3.Error) -> JobStateWriteError:
    """The error a failed job-store write becomes; the client-facing message names no path."""
    full = getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL
    cause = "no space left on the node's state dir" if full else f"the job store cannot be written ({exc})"
    return JobStateWriteError(f"the node cannot save this job's state: {cause}; free space or fix the state dir, "
                              "then submit the job again")
