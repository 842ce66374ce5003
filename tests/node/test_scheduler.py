"""Fair queueing with priorities."""

from __future__ import annotations

import pytest

from ned_node.scheduler import QueuedJob, pick_next


def _drain(queued, running=(), served=None):
    """Order in which a one-worker node starts the jobs (each finishes before the next starts)."""
    served, order, counter = dict(served or {}), [], 0
    queued = list(queued)
    while queued:
        job = pick_next(queued, list(running), served)
        queued.remove(job)
        counter += 1
        served[job.client] = counter
        order.append(job.job_id)
    return order


def test_higher_priority_first():
    jobs = [QueuedJob("low", "a", 10, 1), QueuedJob("high", "b", 90, 2), QueuedJob("mid", "a", 50, 3)]
    assert _drain(jobs) == ["high", "mid", "low"]


def test_clients_take_turns_at_equal_priority():
    flood = [QueuedJob(f"a{i}", "A", 50, i) for i in range(4)]
    late = [QueuedJob("b0", "B", 50, 10), QueuedJob("b1", "B", 50, 11)]
    assert _drain(flood + late) == ["a0", "b0", "a1", "b1", "a2", "a3"]


def test_a_client_with_jobs_running_waits_for_others():
    jobs = [QueuedJob("a1", "A", 50, 1), QueuedJob("b1", "B", 50, 2)]
    assert pick_next(jobs, ["A"], {}).job_id == "b1"


def test_empty_queue():
    with pytest.raises(ValueError):
        pick_next([], [], {})
