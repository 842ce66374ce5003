"""Half-written plates a killed worker leaves behind, removed before the job runs again."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from ned_node.jobspec import JobPlan

log = logging.getLogger("ned_node.jobs")


def remove_partials(plan: JobPlan, finished: frozenset[int]) -> None:
    """Removes what a killed worker left half-written next to the job's unfinished plates.

    ``ned_core.io.atomic.atomic_path`` writes each plate as ``.<plate name>.partial-<random><ext>`` and renames
    it when complete; a worker killed in between leaves that file behind.
    """
    folder = Path(plan.request.out_dir)
    if not folder.is_dir():
        return
    unfinished = {plan.plate_path(frame).name for frame in plan.frames if frame not in finished}
    with os.scandir(folder) as entries:
        for entry in entries:
            name, partial, _ = entry.name[1:].partition(".partial-")
            if entry.name.startswith(".") and partial and name in unfinished:
                try:
                    os.unlink(entry.path)
                    log.warning("removed a partial plate left by an interrupted run", extra={"path": entry.path})
                except OSError as exc:
                    log.warning("cannot remove a partial plate", extra={"path": entry.path, "error": str(exc)})
