"""Deadline 10 job files: job-info + plugin-info pairs for the ``NED`` plugin (``installer/deadline/NED``).

A farm job becomes up to four Deadline jobs submitted together with ``deadlinecommand -SubmitMultipleJobs
-dependent`` (each waits for the one before): ``analysis`` (one task), ``render`` (``Frames`` = the shot,
``ChunkSize`` frames a task) and, when asked, ``preview`` and ``report``. Each plugin-info file carries the task's
``ned`` arguments as a JSON list (``Arguments``) with Deadline's ``<STARTFRAME>``/``<ENDFRAME>`` tokens; the plugin
fills them in, applies the repository's path mapping to every argument and runs ``ned``.
"""

from __future__ import annotations

import json
from pathlib import Path

from ned_core.farm.commands import Tokens, analysis_command, finishing_commands, render_command
from ned_core.farm.job import FarmJob
from ned_core.io.atomic import atomic_path

PLUGIN = "NED"
CHUNK_TOKEN = "<STARTFRAME>-<ENDFRAME>"


def _info_text(entries: dict[str, object]) -> str:
    return "".join(f"{key}={value}\n" for key, value in entries.items())


def deadline_jobs(job: FarmJob) -> list[tuple[str, dict[str, object], dict[str, object]]]:
    """``(name, job_info, plugin_info)`` of each Deadline job, in submission (= dependency) order."""
    tokens = Tokens(job.source, job.out_dir, job.cache_dir, job.shot_frames, CHUNK_TOKEN, "deadline")
    def job_info(step: str, frames: object, chunk_size: int) -> dict[str, object]:
        return {"Plugin": PLUGIN, "Name": f"{job.name} - {step}", "BatchName": job.name, "Frames": frames,
                "ChunkSize": chunk_size, "OutputDirectory0": job.out_dir}

    jobs = [("analysis", job_info("analysis", job.first, 1), analysis_command(job, tokens)),
            ("render", job_info("render", job.shot_frames, job.chunk_size), render_command(job, tokens))]
    jobs += [(name, job_info(name, job.first, 1), argv) for name, argv in finishing_commands(job, tokens)]
    return [(name, info, {"Arguments": json.dumps(argv[1:])}) for name, info, argv in jobs]


def write_job_files(job: FarmJob, folder: str | Path) -> list[Path]:
    """Write ``<name>.job`` (job info) and ``<name>.plugin`` (plugin info) per Deadline job; returns the paths in
    the order ``deadlinecommand -SubmitMultipleJobs -dependent -job A.job A.plugin -job B.job B.plugin ...`` takes."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, job_info, plugin_info in deadline_jobs(job):
        for suffix, entries in ((".job", job_info), (".plugin", plugin_info)):
            with atomic_path(out / f"ned_{name}{suffix}") as tmp:
                tmp.write_text(_info_text(entries), encoding="utf-8")
            written.append(out / f"ned_{name}{suffix}")
    return written


def submit_command(files: list[Path]) -> list[str]:
    """The ``deadlinecommand`` line that submits the written files as dependent jobs."""
    argv = ["deadlinecommand", "-SubmitMultipleJobs", "-dependent"]
    for job_info, plugin_info in zip(files[::2], files[1::2]):
        argv += ["-job", str(job_info), str(plugin_info)]
    return argv
