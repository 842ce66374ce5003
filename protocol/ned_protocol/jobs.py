"""JobRunner: submits (or re-attaches to) one node job on a background thread and reports through callbacks."""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterable, Mapping, Optional, Tuple

from .exceptions import NodeTimeoutError, ProtocolError

#: Job states after which a job sends nothing more.
FINAL_STATES = ("done", "failed", "cancelled")


def _ignore(_: Any) -> None:
    """The default callback: does nothing."""


@dataclass(frozen=True)
class JobRequest:
    """What to submit: the ``submit_job_request`` fields (PROTOCOL.md section 9).

    Attributes:
        source, emotion, output: the request maps.
        face_track: ``{"select": ...}`` or None for the node's default (largest face).
        compression, full_frame, stmap, priority: as in PROTOCOL.md (``stmap`` needs a 1.3 node).
        request_id: idempotency key: re-running the same request returns the same job.
        frames: for an inline source, a zero-argument callable returning ``(frame, pixels)`` pairs.
    """

    source: Mapping[str, Any]
    emotion: Mapping[str, Any]
    output: Mapping[str, Any]
    face_track: Optional[Mapping[str, Any]] = None
    compression: str = "dwaa:45"
    full_frame: bool = False
    stmap: bool = False
    priority: int = 50
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    frames: Optional[Callable[[], Iterable[Tuple[int, Any]]]] = None


@dataclass(frozen=True)
class JobCallbacks:
    """Called on the runner's thread (hosts marshal them to their UI thread themselves).

    Attributes:
        on_submitted: the job id, once the node accepted the job (or re-attach started).
        on_progress: a ``progress`` event's content.
        on_frame: a ``frame_result`` event's content.
        on_done: the ``job_done`` content.
        on_failed: an error map ``{code, ename, evalue, details}``: the job failed, was cancelled,
            or the node could not be reached.
    """

    on_submitted: Callable[[str], None] = _ignore
    on_progress: Callable[[Dict[str, Any]], None] = _ignore
    on_frame: Callable[[Dict[str, Any]], None] = _ignore
    on_done: Callable[[Dict[str, Any]], None] = _ignore
    on_failed: Callable[[Dict[str, Any]], None] = _ignore


class JobRunner:
    """Runs one job: submit (or attach to ``job_id``), follow its events to the end, report each.

    ``client_factory`` makes the :class:`~ned_protocol.NodeClient` the thread uses (and closes);
    :meth:`cancel` may be called from any thread, before or after the node accepted the job.
    While the node is silent (a long queue) the runner keeps waiting as long as the job is not final.

    Args:
        client_factory: returns a new NodeClient.
        callbacks: what to call on each event.
        request: the job to submit, or None with ``job_id`` to follow an existing job.
        job_id: an existing job to follow (re-opened script, second client).
        event_timeout_s: silence after which the runner asks the node for the job's state.
    """

    def __init__(self, client_factory: Callable[[], Any], callbacks: JobCallbacks = JobCallbacks(), *,
                 request: Optional[JobRequest] = None, job_id: Optional[str] = None,
                 event_timeout_s: float = 30.0):
        if (request is None) == (job_id is None):
            raise ValueError("JobRunner: pass exactly one of request= (submit a job) or job_id= (follow one)")
        self.request = request
        self.callbacks = callbacks
        self.event_timeout_s = event_timeout_s
        self._client_factory = client_factory
        self._job_id = job_id
        self._cancel = threading.Event()
        self._ready = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="ned-job", daemon=True)
        self.outcome: Optional[str] = None  # "done" | "failed" | "cancelled" once finished

    @property
    def job_id(self) -> Optional[str]:
        """The node's job id once known."""
        return self._job_id

    def start(self) -> "JobRunner":
        """Starts the background thread; returns self."""
        self._thread.start()
        return self

    def run(self) -> str:
        """Runs the job on the calling thread (headless hosts, farms); returns the outcome."""
        self._run()
        return self.outcome or "failed"

    def join(self, timeout: Optional[float] = None) -> bool:
        """Waits for the thread; True when it has finished."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def running(self) -> bool:
        return self._thread.is_alive()

    def cancel(self) -> None:
        """Asks the node to cancel the job (now, or as soon as it has an id).

        Sends on a client of its own: a ZeroMQ socket must not be used by two threads, and the runner's
        thread is using (and may be closing) its client meanwhile.
        """
        self._cancel.set()
        with self._lock:
            job_id = self._job_id
        if job_id is not None and self._ready.is_set():
            try:
                with self._client_factory() as client:
                    client.cancel(job_id)
            except ProtocolError:
                pass  # the runner thread reports the outcome; a failed cancel leaves the job running

    def _run(self) -> None:
        try:
            client = self._client_factory()
        except ProtocolError as exc:  # a bad key file, a bad address
            self._finish("failed", self.callbacks.on_failed, _error_map(exc))
            return
        try:
            self._follow(client)
        except ProtocolError as exc:
            self._finish("failed", self.callbacks.on_failed, _error_map(exc))
        finally:
            client.close()

    def _follow(self, client: Any) -> None:
        since = 0
        if self._job_id is None:
            request = self.request
            reply = client.submit(request.source, request.emotion, request.output, face_track=request.face_track,
                                  compression=request.compression, full_frame=request.full_frame,
                                  stmap=request.stmap, priority=request.priority, request_id=request.request_id,
                                  frames=request.frames() if request.frames is not None else None)
            with self._lock:
                self._job_id = reply["job_id"]
        self._ready.set()
        self.callbacks.on_submitted(self._job_id)
        if self._cancel.is_set():
            client.cancel(self._job_id)
        while True:
            try:
                for event in client.events(self._job_id, since=since, timeout_s=self.event_timeout_s):
                    since = event.content["seq"]
                    if self._dispatch(event.msg_type, event.content):
                        return
            except NodeTimeoutError:
                if client.status(self._job_id)["state"] in FINAL_STATES:
                    raise

    def _dispatch(self, msg_type: str, content: Dict[str, Any]) -> bool:
        """Reports one event; True when it was the last."""
        if msg_type == "progress":
            self.callbacks.on_progress(content)
        elif msg_type == "frame_result":
            self.callbacks.on_frame(content)
        elif msg_type == "job_done":
            self._finish("done", self.callbacks.on_done, content)
            return True
        elif msg_type == "job_failed":
            error = content["error"]
            self._finish("cancelled" if error["code"] == "cancelled" else "failed", self.callbacks.on_failed, error)
            return True
        return False

    def _finish(self, outcome: str, callback: Callable[[Dict[str, Any]], None], content: Dict[str, Any]) -> None:
        self.outcome = outcome
        callback(content)


def _error_map(exc: Exception) -> Dict[str, Any]:
    """``{code, ename, evalue, details}`` of a protocol or remote error."""
    return {"code": getattr(exc, "code", "internal_error"), "ename": getattr(exc, "ename", type(exc).__name__),
            "evalue": getattr(exc, "evalue", None) or str(exc), "details": dict(getattr(exc, "details", None) or {})}
