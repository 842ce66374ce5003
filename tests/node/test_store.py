"""The SQLite job store: durable jobs, gap-free event seqs, frames recorded once, recovery and retention."""

from __future__ import annotations

import sqlite3

import pytest

from ned_node.errors import JobNotFoundError, NodeStateError
from ned_node.store import SCHEMA_VERSION, JobStore

SPEC = {"source": {"kind": "path", "path": "/in/a.####.exr"}, "priority": 50}


def _job(store: JobStore, job_id: str = "j1", request_id: str = "r1", state: str = "queued", now: float = 100.0):
    return store.create(job_id=job_id, request_id=request_id, request_hash="h", client="c", state=state, priority=50,
                        spec=SPEC, frames_total=3, frames_expected=0, now=now)


def test_job_round_trips_and_survives_reopen(tmp_path):
    store = JobStore(tmp_path / "jobs.sqlite")
    job = _job(store)
    assert job.record() == {"job_id": "j1", "state": "queued", "stage": None, "frames_done": 0, "frames_total": 3,
                            "priority": 50, "submitted_at": 100.0, "started_at": None, "finished_at": None,
                            "last_seq": 0, "error": None}
    store.append_event("j1", "progress", {"stage": "queued"})
    store.close()
    reopened = JobStore(tmp_path / "jobs.sqlite")
    assert reopened.get("j1").spec == SPEC
    assert reopened.by_request("r1").job_id == "j1"
    assert reopened.by_request("nope") is None
    assert reopened.events_since("j1", 0) == [("progress", {"stage": "queued", "seq": 1})]


def test_event_seqs_are_gap_free_and_carry_job_columns(tmp_path):
    store = JobStore(tmp_path / "jobs.sqlite")
    _job(store)
    seqs = [store.append_event("j1", "progress", {"n": i})["seq"] for i in range(5)]
    final = store.append_event("j1", "job_failed", {"error": {"code": "cancelled"}}, state="cancelled",
                               finished_at=200.0, error={"code": "cancelled"})
    assert seqs == [1, 2, 3, 4, 5] and final["seq"] == 6
    job = store.get("j1")
    assert (job.state, job.last_seq, job.finished_at, job.error, job.final) == ("cancelled", 6, 200.0,
                                                                                 {"code": "cancelled"}, True)
    assert [c["seq"] for _, c in store.events_since("j1", 4)] == [5, 6]
    assert [c["seq"] for _, c in store.events_since("j1", 0, limit=2)] == [1, 2]
    assert store.first_seq("j1") == 1


def test_a_frame_is_recorded_once_with_its_event(tmp_path):
    store = JobStore(tmp_path / "jobs.sqlite")
    _job(store)
    first = store.record_frame("j1", 1001, {"path": "/out/a.1001.exr"}, {"frame": 1001})
    again = store.record_frame("j1", 1001, {"path": "/out/a.1001.exr"}, {"frame": 1001})
    assert first == {"frame": 1001, "seq": 1} and again is None
    assert store.get("j1").frames_done == 1 and store.get("j1").last_seq == 1
    assert store.finished_frames("j1") == {1001}
    assert store.frame_result("j1", 1001)["path"] == "/out/a.1001.exr"
    with pytest.raises(JobNotFoundError, match="no finished frame 1002"):
        store.frame_result("j1", 1002)


def test_running_jobs_are_requeued_after_a_crash(tmp_path):
    store = JobStore(tmp_path / "jobs.sqlite")
    _job(store, "a", "ra")
    _job(store, "b", "rb")
    store.update("a", state="running", stage="render")
    assert store.requeue_interrupted() == ["a"]
    assert [row[0] for row in store.queued()] == ["a", "b"]
    assert store.get("a").stage is None


def test_expired_jobs_are_deleted_with_everything_they_hold(tmp_path):
    store = JobStore(tmp_path / "jobs.sqlite")
    _job(store, "old", "r-old")
    _job(store, "new", "r-new")
    store.record_frame("old", 1, {}, {"frame": 1})
    store.record_inputs("old", [1, 2])
    store.update("old", state="done", finished_at=10.0)
    store.update("new", state="done", finished_at=1000.0)
    assert store.expired(500.0) == ["old"]
    store.delete("old")
    assert store.find("old") is None and store.by_request("r-old") is None
    assert store.events_since("old", 0) == [] and store.received_inputs("old") == frozenset()
    with pytest.raises(JobNotFoundError, match="retention"):
        store.get("old")


def test_inputs_count_distinct_frames(tmp_path):
    store = JobStore(tmp_path / "jobs.sqlite")
    _job(store)
    assert store.record_inputs("j1", [1, 2]) == 2
    assert store.record_inputs("j1", [2, 3]) == 3


def test_counts_and_listing(tmp_path):
    store = JobStore(tmp_path / "jobs.sqlite")
    for i, state in enumerate(["queued", "queued", "done"]):
        _job(store, f"j{i}", f"r{i}", state)
    assert store.counts() == {"queued": 2, "done": 1}
    assert [j.job_id for j in store.jobs(["queued"])] == ["j1", "j0"]  # newest first
    assert len(store.jobs(limit=1)) == 1


def test_a_store_from_a_newer_node_is_refused(tmp_path):
    path = tmp_path / "jobs.sqlite"
    JobStore(path).close()
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    with pytest.raises(NodeStateError, match="newer node"):
        JobStore(path)


def test_unknown_columns_are_refused(tmp_path):
    store = JobStore(tmp_path / "jobs.sqlite")
    _job(store)
    with pytest.raises(ValueError, match="unknown job columns"):
        store.update("j1", colour="red")
