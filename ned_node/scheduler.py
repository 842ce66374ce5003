"""Fair queueing: highest priority first; among equals clients take turns (fewest running, least recently served)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class QueuedJob:
    """What the scheduler needs to know about a waiting job.

    Attributes:
        job_id: the job.
        client: the submitting client's session (fairness is per client).
        priority: 0..100, higher first.
        order: submission order, lower first.
    """

    job_id: str
    client: str
    priority: int
    order: int


def pick_next(queued: Sequence[QueuedJob], running_clients: Sequence[str],
              last_served: Mapping[str, int]) -> QueuedJob:
    """The job to start on the next free worker.

    Among the jobs of the highest waiting priority, the client with the fewest jobs running now goes
    first, then the client served least recently (never served first), so one client submitting a
    hundred jobs cannot starve another that submits one. Within a client the earliest submission
    goes first.

    Args:
        queued: the waiting jobs (non-empty).
        running_clients: the client of every running job (one entry per job).
        last_served: for each client, a counter value of its latest job start (higher = more recent).

    Raises:
        ValueError: ``queued`` is empty.
    """
    if not queued:
        raise ValueError("pick_next needs at least one queued job")
    running = Counter(running_clients)
    top = max(job.priority for job in queued)
    return min((job for job in queued if job.priority == top),
               key=lambda job: (running[job.client], last_served.get(job.client, -1), job.order))
