"""Task progress in each engine's own convention, printed on stdout (flushed: the engine reads it live).

* ``openjd``: ``openjd_progress: 42.0`` and ``openjd_status: render`` lines (Open Job Description's stdout
  messages; Deadline Cloud shows them on the task).
* ``deadline``: ``NED progress: 42%``; the Deadline 10 plugin (``installer/deadline/NED/NED.py``) turns these
  lines into the task's progress with a stdout handler.
* ``plain``: ``ned: render 21/50 frames``, for logs (OpenCue's RQD keeps a task's stdout as its log).
"""

from __future__ import annotations

from collections.abc import Callable

from ned_core.progress import ProgressCallback, ProgressEvent


def progress_printer(fmt: str, stage: str, echo: Callable[[str], None], skipped: int = 0) -> ProgressCallback:
    """A progress callback that reports ``stage`` (the task's main stage: ``analysis``, ``render`` or ``report``) in
    ``fmt``.

    Args:
        fmt: one of ``ned_core.farm.commands.PROGRESS_FORMATS``.
        stage: events of other stages (a cache-hit analysis, the fit) are not reported.
        echo: writes one line to stdout and flushes it.
        skipped: frames of the stage's total that this task does not process (the rest of the shot, for a
            chunk): the percentage runs from 0 to 100 over the task's own frames.
    """
    started = False

    def report(event: ProgressEvent) -> None:
        nonlocal started
        if event.stage != stage:
            return
        percent = 100.0 * max(event.done - skipped, 0) / max(event.total - skipped, 1)
        if fmt == "openjd":
            if not started:
                echo(f"openjd_status: {stage}")
            echo(f"openjd_progress: {percent:.1f}")
        elif fmt == "deadline":
            echo(f"NED progress: {percent:.0f}%")
        else:
            echo(f"ned: {stage} {event.done}/{event.total} frames")
        started = True

    return report
