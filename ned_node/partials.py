"""What a killed worker leaves behind: half-written plates (removed) and unreported plates of its own job."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from ned_core.exceptions import PlateInspectError
from ned_core.io.exr_inspect import open_exr
from ned_core.io.exr_metadata import FRAME_KEY, NAMESPACE
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


def own_plates(plan: JobPlan, finished: frozenset[int]) -> frozenset[int]:
    """The job's unfinished frames whose plate an interrupted attempt of this same job already put in place.

    A plate is renamed into place just before the worker reports it, so a worker killed in between leaves a
    complete plate the node never heard of. It is this job's when it is an EXR whose ``ned/job`` is the job's id
    and whose ``ned/frame`` is the frame; the retry renders such frames again and replaces their plates.
    """
    job_id = plan.request.job_id
    if job_id is None:
        return frozenset()
    found = set()
    for frame in plan.frames:
        path = plan.plate_path(frame)
        if frame in finished or path.is_symlink() or not path.is_file():
            continue
        try:
            with open_exr(path) as inp:
                spec = inp.spec()
                mine = (spec.get_string_attribute(f"{NAMESPACE}job") == job_id
                        and spec.get_int_attribute(f"{NAMESPACE}{FRAME_KEY}", -1) == frame)
        except PlateInspectError:
            continue
        if mine:
            found.add(frame)
            log.warning("an interrupted attempt of this job left a plate it did not report; rendering it again",
                        extra={"path": str(path), "frame": frame})
    return frozenset(found)
