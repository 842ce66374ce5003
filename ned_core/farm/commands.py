"""The command lines of a farm job's tasks (every engine runs these; ``ned`` is found on the worker's PATH)."""

from __future__ import annotations

from dataclasses import dataclass

from ned_core.farm.job import FarmJob

#: the report task's folder inside the plates folder (eval.html, eval.json, eval.txt, plots, contact sheet)
REPORT_FOLDER = "eval"
#: progress line formats of ``ned farm task ... --progress`` (see ``progress.py``)
PROGRESS_FORMATS = ("openjd", "deadline", "plain")


@dataclass(frozen=True)
class Tokens:
    """What an engine substitutes when it starts a task: its spelling of the job's paths and of a chunk.

    Attributes:
        source, out_dir, cache_dir: the job's paths, or the engine's parameter tokens for them (so that its
            path mapping applies, e.g. ``{{Param.Source}}`` in OpenJD).
        shot: the shot's frames (``--shot-frames``), e.g. ``{{Param.Frames}}`` (OpenJD) or ``1001-1064``.
        chunk: the task's frames, e.g. ``{{Task.Param.Frames}}`` (OpenJD) or ``#FRAME_START#-#FRAME_END#`` (OpenCue).
        progress: how the task reports progress (one of :data:`PROGRESS_FORMATS`).
    """

    source: str
    out_dir: str
    cache_dir: str
    shot: str
    chunk: str
    progress: str


def _paths(job: FarmJob, tokens: Tokens) -> list[str]:
    return [tokens.source, "--out", tokens.out_dir, "--cache-dir", tokens.cache_dir, *job.source_args]


def analysis_command(job: FarmJob, tokens: Tokens) -> list[str]:
    """``ned farm task analyse``: the shot's analysis into the cache, once (its failure is recorded for the chunks)."""
    return ["ned", "farm", "task", "analyse", *_paths(job, tokens), "--frames", tokens.shot,
            "--progress", tokens.progress]


def render_command(job: FarmJob, tokens: Tokens) -> list[str]:
    """``ned farm task render``: one chunk's plates, directed over the whole shot."""
    return ["ned", "farm", "task", "render", *_paths(job, tokens), "--shot-frames", tokens.shot,
            "--frames", tokens.chunk, *job.render_args, "--progress", tokens.progress]


def preview_command(job: FarmJob, tokens: Tokens) -> list[str]:
    """``ned farm task preview``: the finishing task, the shot's H.264 preview (after every chunk)."""
    return ["ned", "farm", "task", "preview", *_paths(job, tokens), "--shot-frames", tokens.shot,
            *job.render_args, "--progress", tokens.progress]


def report_command(job: FarmJob, tokens: Tokens) -> list[str]:
    """``ned farm task report``: the finishing eval report of the finished plates (target recognition, mouth,
    flicker; ``ned eval shot --plates``) into ``OUT/eval``."""
    return ["ned", "farm", "task", "report", *_paths(job, tokens), "--frames", tokens.shot, *job.report_args,
            "--progress", tokens.progress]


def finishing_commands(job: FarmJob, tokens: Tokens) -> list[tuple[str, list[str]]]:
    """``(name, command)`` of each finishing task the job asks for (``preview``, ``report``), after every chunk."""
    wanted = (("preview", job.preview, preview_command), ("report", job.report, report_command))
    return [(name, command(job, tokens)) for name, asked, command in wanted if asked]


def literal_tokens(job: FarmJob, chunk: str, progress: str = "plain") -> Tokens:
    """Tokens that are the job's own paths (engines without path parameters)."""
    return Tokens(job.source, job.out_dir, job.cache_dir, job.shot_frames, chunk, progress)
