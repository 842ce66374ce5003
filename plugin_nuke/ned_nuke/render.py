"""Render and Cancel for NED Groups: a background JobRunner per node, progress in a nuke.ProgressTask.

In the UI, the job runs on a background thread and every change to the script (knobs, the plate Read,
the progress bar) goes through ``nuke.executeInMainThread``. In terminal mode (``nuke -t``, farms) there
is no event loop: the job runs on the calling thread and progress is printed.
"""

from __future__ import annotations

import contextlib
import os
import threading
from typing import Any, Callable, Dict, Iterator, Optional

import nuke
from ned_protocol.host_connection import client_factory
from ned_protocol.jobs import JobCallbacks, JobRequest, JobRunner

from .comp import found_plates, show_plates
from .errors import NedNukeError, RenderError
from .settings import RenderSettings, read_settings
from .source import job_source

#: Reporters of running jobs by Group full name.
_reporters: Dict[str, "_Reporter"] = {}


def on_main_thread(call: Callable, *args: Any) -> None:
    """Runs ``call`` on Nuke's main thread (directly in terminal mode, where the caller is the main thread)."""
    if nuke.GUI:
        nuke.executeInMainThread(call, args)
    else:
        call(*args)


@contextlib.contextmanager
def shown_errors(group: "nuke.Node") -> Iterator[None]:
    """Main thread, around a button's checks: a NedNukeError raised inside is shown (a dialog in the UI, the
    status knob) and raised again."""
    try:
        yield
    except NedNukeError as exc:
        if nuke.GUI:
            nuke.message(str(exc))
        group["status"].setValue(f"error: {exc}")
        raise


def bake_dir(group: "nuke.Node", settings: RenderSettings) -> str:
    """Where a non-Read input is baked to EXR for the job: ``<output directory>/<Group name>_source``."""
    return os.path.join(settings.output_dir, f"{group.name()}_source")


class _Reporter:
    """Turns job events into knob, plate-Read and progress-bar updates of one Group."""

    def __init__(self, group: "nuke.Node", settings: RenderSettings):
        self.group, self.settings = group, settings
        self.task: Optional[Any] = nuke.ProgressTask(f"NED {group.name()}") if nuke.GUI else None
        self.runner: Optional[JobRunner] = None
        self.error: Optional[Dict[str, Any]] = None

    def callbacks(self) -> JobCallbacks:
        return JobCallbacks(on_submitted=lambda job_id: on_main_thread(self._submitted, job_id),
                            on_progress=lambda content: on_main_thread(self._progress, content),
                            on_done=lambda content: on_main_thread(self._done, content),
                            on_failed=lambda error: on_main_thread(self._failed, error))

    def _status(self, text: str) -> None:
        self.group["status"].setValue(text)
        if self.task is None:
            print(f"{self.group.name()}: {text}", flush=True)
        else:
            self.task.setMessage(text)

    def _submitted(self, job_id: str) -> None:
        if self.runner is not None and self.runner.request is None:
            self._status(f"following job {job_id} (re-attached)")
            return
        self.group["job_id"].setValue(job_id)
        self._status(f"job {job_id} submitted")

    def _progress(self, content: Dict[str, Any]) -> None:
        done, total = content["frames_done"], content["frames_total"]
        self._status(f"{content['stage']}: {done}/{total} frames")
        if self.task is not None:
            self.task.setProgress(int(100 * done / total) if total else 0)
            if self.task.isCancelled() and self.runner is not None:
                threading.Thread(target=self.runner.cancel, name="ned-cancel", daemon=True).start()

    def _done(self, content: Dict[str, Any]) -> None:
        settings = self.settings
        show_plates(self.group, settings.output_dir, settings.pattern, settings.first, settings.last)
        self._status(f"done: {content['frames_written']} frames in {content['elapsed_s']:.1f} s")
        self._close()

    def _failed(self, error: Dict[str, Any]) -> None:
        self.error = error
        self._status("cancelled" if error["code"] == "cancelled" else f"failed: {error['evalue']}")
        self._close()

    def _close(self) -> None:
        if self.task is not None:
            self.task.setProgress(100)
        self.task = None  # Nuke closes a ProgressTask when it is released
        if _reporters.get(self.group.fullName()) is self:
            del _reporters[self.group.fullName()]


def start_render(group: "nuke.Node", first: Optional[int] = None, last: Optional[int] = None) -> JobRunner:
    """The Render button: submits the Group's shot; returns the runner (already finished in terminal mode).

    Args:
        group: a NED Group.
        first, last: a sub-range (farm chunks); the knobs' range by default.

    Raises:
        NedNukeError: a knob is unusable, the input is missing or cannot be baked, or a job of this node
            is still running. In the UI the message is also shown in a dialog.
    """
    with shown_errors(group):
        if group.fullName() in _reporters:
            raise RenderError(f"{group.name()}: a render is running; press Cancel first")
        settings = read_settings(group, first, last)
        source = job_source(group, settings.first, settings.last, bake_dir(group, settings))
    reporter = _Reporter(group, settings)
    request = JobRequest(source=source, emotion=settings.emotion,
                         output={"kind": "path", "directory": settings.output_dir, "pattern": settings.pattern,
                                 "overwrite": True},
                         face_track=settings.face_track, compression=settings.compression,
                         full_frame=settings.full_frame, stmap=settings.stmap)
    runner = JobRunner(client_factory(settings.node), reporter.callbacks(), request=request)
    reporter.runner = runner
    _reporters[group.fullName()] = reporter
    group["status"].setValue(f"submitting to {settings.node.address}")
    if nuke.GUI:
        return runner.start()
    runner.run()
    if runner.outcome != "done":
        raise RenderError(f"{group.name()}: render of frames {settings.first}-{settings.last} "
                          f"{runner.outcome}: {reporter.error['evalue'] if reporter.error else ''}")
    return runner


def cancel_render(group: "nuke.Node") -> bool:
    """The Cancel button: asks the node to cancel the Group's job; False when none is running."""
    runner = running_job(group)
    if runner is None:
        group["status"].setValue("nothing to cancel")
        return False
    group["status"].setValue("cancelling")
    threading.Thread(target=runner.cancel, name="ned-cancel", daemon=True).start()
    return True


def running_job(group: "nuke.Node") -> Optional[JobRunner]:
    """The Group's running job, if any."""
    reporter = _reporters.get(group.fullName())
    return reporter.runner if reporter is not None else None


def reattach(group: "nuke.Node") -> Optional[JobRunner]:
    """On script open (UI only): follows the Group's last job (``job_id`` knob) while its plates are incomplete.

    The node replays the job's events, so progress, the plate Read and the status continue where they are;
    a job that ended meanwhile reports its end at once. A job of this Group still followed in this session
    (the script was closed and opened again) keeps its runner and reports to the re-opened Group.

    Returns:
        The runner following the job, or None: terminal mode, no job id, all plates on disk, or knobs that
        no longer make a render (the status then says nothing new).
    """
    job_id = group["job_id"].value().strip()
    if not nuke.GUI or not job_id:
        return None
    current = _reporters.get(group.fullName())
    if current is not None and current.runner is not None and current.runner.job_id == job_id:
        current.group = group
        return current.runner
    try:
        settings = read_settings(group)
    except NedNukeError:
        return None
    if len(found_plates(group)) == settings.last - settings.first + 1:
        return None
    reporter = _Reporter(group, settings)
    runner = JobRunner(client_factory(settings.node), reporter.callbacks(), job_id=job_id)
    reporter.runner = runner
    _reporters[group.fullName()] = reporter
    group["status"].setValue(f"re-attaching to job {job_id} on {settings.node.address}")
    return runner.start()
