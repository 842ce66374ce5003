"""Write a farm job for one engine and hand it to that engine: what `ned farm ENGINE` and `ned submit --farm` share.

* ``openjd``: a job bundle, submitted with ``deadline bundle submit`` (the Deadline Cloud CLI);
* ``deadline``: Deadline 10 job files, submitted with ``deadlinecommand -SubmitMultipleJobs -dependent``;
* ``opencue``: a CJSL job specification, launched on Cuebot with pycue.

The files are written first and stay whatever happens when submitting; a missing engine CLI or Cuebot is a
:class:`~ned_core.exceptions.FarmSubmitError` that says where the files are and how to submit them by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ned_core.farm.job import FarmJob

ENGINES = ("openjd", "deadline", "opencue")
#: how the exports name their folder on the command line (`ned farm openjd --bundle`, the others --job-dir)
FOLDER_OPTION = {"openjd": "--bundle", "deadline": "--job-dir", "opencue": "--job-dir"}


@dataclass(frozen=True)
class FarmExport:
    """The written job of one engine.

    Attributes:
        engine: one of :data:`ENGINES`.
        folder: the folder the files are in.
        files: the files written (for ``deadline``, in ``deadlinecommand``'s ``-job JOB PLUGIN`` order).
        summary: one line for the user: what was written and how many render tasks it has.
    """

    engine: str
    folder: Path
    files: tuple[Path, ...]
    summary: str


def write_export(engine: str, job: FarmJob, folder: str | Path, show: str = "ned") -> FarmExport:
    """Write ``job`` for ``engine`` into ``folder`` (created); ``show`` is the OpenCue show.

    Raises:
        FarmJobError: the job does not fit the engine (e.g. a chunk above Deadline Cloud's limit); nothing written.
        FarmSubmitError: the engine's Python libraries are missing (OpenCue's pyoutline).
    """
    folder = Path(folder)
    tasks = f"{len(job.chunks())} render tasks of up to {job.chunk_size} frames"
    if engine == "openjd":
        from ned_core.farm.openjd import write_bundle

        files = write_bundle(job, folder)
        summary = f"OpenJD job bundle: {folder} ({', '.join(f.name for f in files)}); {tasks}"
    elif engine == "deadline":
        from ned_core.farm.deadline import write_job_files

        files = write_job_files(job, folder)
        summary = f"Deadline job files: {folder} ({len(files) // 2} dependent jobs; {tasks})"
    elif engine == "opencue":
        from ned_core.farm.opencue import write_outline

        files = [write_outline(job, folder / f"ned_{Path(job.source).name.split('.')[0]}.cjsl.xml", show)]
        summary = f"OpenCue job: {files[0]} ({len(job.chunks())} render frames of up to {job.chunk_size} frames)"
    else:
        raise ValueError(f"unknown farm engine {engine!r}; expected one of {', '.join(ENGINES)}")
    return FarmExport(engine, folder, tuple(files), summary)


def submit_export(export: FarmExport, cuebot: str | None = None) -> str:
    """Submit the written job with its engine's CLI (or, for OpenCue, pycue); returns what the engine said.

    Args:
        cuebot: the Cuebot host for OpenCue (default: ``$CUEBOT_HOSTS`` / the OpenCue config file).

    Raises:
        FarmSubmitError: the engine's CLI is missing, no Cuebot is configured, or the engine refused the job;
            the message says where the files are and gives the command to submit them by hand.
    """
    from ned_core.farm.submit import submit_or_explain

    if export.engine == "openjd":
        return submit_or_explain(["deadline", "bundle", "submit", "--yes", str(export.folder)],
                                 "the Deadline Cloud CLI (pip install deadline)", f"the bundle is in {export.folder}")
    if export.engine == "deadline":
        from ned_core.farm.deadline import submit_command

        return submit_or_explain(submit_command(list(export.files)), "the Deadline 10 client (deadlinecommand)",
                                 f"the job files are in {export.folder}")
    from ned_core.farm.opencue import submit_outline

    return f"launched: {submit_outline(export.files[0], cuebot)}"
