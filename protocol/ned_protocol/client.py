"""NodeClient: the synchronous client hosts use to talk to a render node; no call blocks past its timeout."""

from __future__ import annotations

import logging
import time
import uuid
from typing import Any, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence, Tuple

import zmq

from .buffers import make_buffer
from .connection import POLL_SLICE_S, Connection
from .curve_auth import ClientCurve
from .envelope import Message
from .emotion_keys import uses_units
from .exceptions import InvalidFieldError, NodeTimeoutError, VersionMismatchError
from .limits import Limits
from .session import Session
from .thumbnails import read_thumbnails
from .version import PROTOCOL_VERSION, __version__

log = logging.getLogger(__name__)

#: Event types after which a job sends nothing more.
TERMINAL_EVENTS = ("job_done", "job_failed")
#: How long a hole in the event sequence may stay open before the client re-attaches, seconds.
GAP_WAIT_S = 0.5
#: Default time limit of ``analyze_shot``, seconds (the node decodes and analyses every frame).
ANALYZE_TIMEOUT_S = 300.0


class NodeClient:
    """Talks to one render node over a DEALER socket.

    Every method returns within its timeout: requests are retried once on a fresh socket (all
    requests are idempotent), then raise :class:`NodeTimeoutError`. One client may be shared by
    threads, e.g. a worker thread iterating :meth:`events` while the UI thread calls :meth:`cancel`::

        with NodeClient("tcp://node:5555", key=read_key_file(path)) as client:
            job = client.submit(source, emotion, output)
            for event in client.events(job["job_id"]):
                ...  # progress / frame_result / job_done / job_failed messages

    Args:
        address: the node, e.g. ``tcp://node:5555``.
        key: shared HMAC key, or None when the node uses none.
        curve: CURVE keys when the node encrypts its port.
        timeout_s: default time limit of each request.
        retries: re-sends on a fresh socket after a timeout, within the same time limit.
        limits: size limits for what the node sends back.
        context: zmq context (the global one by default; ``inproc://`` needs the node's).
        client_name: how the client introduces itself in ``hello``.
    """

    def __init__(self, address: str, key: Optional[bytes] = None, curve: Optional[ClientCurve] = None, *,
                 timeout_s: float = 10.0, retries: int = 1, limits: Limits = Limits(),
                 context: Optional[zmq.Context] = None, client_name: str = f"ned-protocol {__version__}"):
        self.session = Session(key, limits=limits)
        self.connection = Connection(address, self.session, curve=curve, context=context)
        self.timeout_s = timeout_s
        self.retries = retries
        self.client_name = client_name
        self._attached: Dict[str, int] = {}

    def hello(self, timeout_s: Optional[float] = None) -> Dict[str, Any]:
        """The node's versions, devices, tiers, models, emotions and limits (``hello_reply`` content)."""
        content = {"client": self.client_name, "versions": [list(PROTOCOL_VERSION)]}
        return self._request("hello_request", content, timeout_s).content

    def heartbeat(self, timeout_s: Optional[float] = None) -> Dict[str, Any]:
        """Pings the node: its clock and how many jobs run and wait (``heartbeat_reply`` content)."""
        return self._request("heartbeat_request", {}, timeout_s).content

    def submit(self, source: Mapping[str, Any], emotion: Mapping[str, Any], output: Mapping[str, Any], *,
               face_track: Optional[Mapping[str, Any]] = None, compression: str = "dwaa:45",
               full_frame: bool = False, stmap: bool = False, priority: int = 50, allow_noncommercial: bool = False,
               request_id: Optional[str] = None, frames: Optional[Iterable[Tuple[int, Any]]] = None,
               timeout_s: Optional[float] = None) -> Dict[str, Any]:
        """Submits a job; for an ``inline`` source, then streams ``frames`` to it.

        Args:
            source, emotion, output, face_track: maps as in PROTOCOL.md (``submit_job_request``).
            compression, full_frame, stmap, priority, allow_noncommercial: as in PROTOCOL.md (``stmap`` needs a
                1.3 node).
            request_id: idempotency key; re-submitting with the same key returns the same job.
                A random one by default.
            frames: for an inline source, ``(frame_number, pixels)`` pairs, pixels a C-contiguous
                ``(height, width, channels)`` bytes-like of the source's dtype; sent one per message
                without copying.
            timeout_s: time limit of each request.

        Returns:
            The ``submit_job_reply`` content: job_id, state, duplicate, frames_expected.

        Raises:
            InvalidFieldError: a field is wrong (nothing is sent), or frames do not fit the source.
            VersionMismatchError: ``emotion`` carries unit overrides, or ``stmap`` is asked for, and the node
                speaks a protocol older than 1.3 (it would drop them silently); nothing is submitted.
            RemoteError: the node refused the job (e.g. ``not_available``, ``queue_full``).
            NodeTimeoutError: the node did not answer in time.
        """
        if (frames is not None) != (source.get("kind") == "inline"):
            raise InvalidFieldError("frames: pass frames=... exactly when the source kind is 'inline'",
                                    details={"field": "frames"})
        if uses_units(emotion) or stmap:
            self._require((1, 3), "per-unit overrides (emotion.units) and STMap layers (stmap)", timeout_s)
        content = {"source": dict(source), "emotion": dict(emotion), "output": dict(output),
                   "compression": compression, "full_frame": full_frame, "priority": priority,
                   "allow_noncommercial": allow_noncommercial}
        if face_track is not None:
            content["face_track"] = dict(face_track)
        if stmap:
            content["stmap"] = True
        reply = self._request("submit_job_request", content, timeout_s,
                              request_id=request_id if request_id is not None else uuid.uuid4().hex)
        job_id = reply.content["job_id"]
        self._attached[job_id] = self.connection.generation
        if frames is not None:
            self._send_frames(job_id, source, frames, timeout_s)
        return reply.content

    def _require(self, version: Tuple[int, int], feature: str, timeout_s: Optional[float]) -> None:
        """Asks the node's version; an older node would drop ``feature``'s fields without a word."""
        node = tuple(self.hello(timeout_s)["protocol_version"])
        if node < version:
            raise VersionMismatchError(f"the render node speaks NED protocol {node[0]}.{node[1]}; {feature} need "
                                       f"{version[0]}.{version[1]}: upgrade the render node",
                                       details={"remote": list(node), "local": list(PROTOCOL_VERSION)})

    def analyze_shot(self, source: Mapping[str, Any], frames: Optional[Mapping[str, int]] = None,
                     start_frame: Optional[int] = None, timeout_s: float = ANALYZE_TIMEOUT_S) -> Dict[str, Any]:
        """Asks the node for the shot's face tracks (its analysis is cached, so a later render reuses it).

        Args:
            source: ``{"path": ..., "colorspace": ...}`` (path source fields as in ``submit``; ``kind`` ignored).
            frames: ``{first, last, step}``; None analyses every frame of the shot.
            start_frame: number of a movie's (or still's) first frame.
            timeout_s: time limit (analysis decodes every frame: allow for the shot's length).

        Returns:
            The ``analyze_shot_reply`` content: tracks ``[{id, shot, first_frame, last_frame,
            frames_with_face, box}]``, default_track (id or None), characters (each with ``thumbnail``: None, or
            ``{offset, size, width, height, jpeg}`` with the JPEG's bytes, from a 1.4 node), frames, width, height.

        Raises:
            RemoteError: the node refused (``invalid_field`` for a path outside its roots, ``source_error``).
            NodeTimeoutError: the node did not answer in time.
        """
        content = {"source": {key: value for key, value in source.items() if key != "kind"}}
        if frames is not None:
            content["source"]["frames"] = dict(frames)
        if start_frame is not None:
            content["source"]["start_frame"] = start_frame
        reply = self._request("analyze_shot_request", content, timeout_s)
        return read_thumbnails(reply.content, reply.buffers)

    def events(self, job_id: str, since: int = 0, timeout_s: float = 30.0) -> Iterator[Message]:
        """Yields the job's events with ``seq > since`` in order, ending after job_done or job_failed.

        Duplicates are skipped; a hole in the sequence (dropped or missed events, a reconnect, a
        restarted node) is filled by re-attaching with the last seq seen. After ``timeout_s / 2``
        without any event the client re-attaches once, and after ``timeout_s`` it raises
        :class:`NodeTimeoutError` (the job may still be queued: call again with ``since`` = the
        last seq you got).
        """
        last = since
        pending: Dict[int, Message] = {}
        self.connection.follow(job_id)
        try:
            if self._attached.get(job_id) != self.connection.generation:
                last = self._attach_from(job_id, last, pending, timeout_s / 2)
            heard = gap_since = time.monotonic()
            probed = False
            while True:
                event = self.connection.next_event(job_id, POLL_SLICE_S)
                now = time.monotonic()
                if event is not None:
                    heard, probed = now, False
                    if event.content["seq"] > last:
                        pending[event.content["seq"]] = event
                while last + 1 in pending:
                    last += 1
                    event = pending.pop(last)
                    yield event
                    if event.msg_type in TERMINAL_EVENTS:
                        return
                    heard = now = time.monotonic()  # the caller's time between events is not silence
                if not pending:
                    gap_since = now
                silent = now - heard
                if silent > timeout_s:
                    raise NodeTimeoutError(f"no event of job {job_id} from {self.connection.address} for "
                                           f"{timeout_s:g} s (last seq {last}): call events() again to wait on")
                if (self._attached.get(job_id) != self.connection.generation or now - gap_since > GAP_WAIT_S
                        or (silent > timeout_s / 2 and not probed)):
                    probed = probed or silent > timeout_s / 2
                    last = self._attach_from(job_id, last, pending, timeout_s / 2)
                    gap_since = time.monotonic()
        finally:
            self.connection.unfollow(job_id)
            self._attached.pop(job_id, None)

    def cancel(self, job_id: str, timeout_s: Optional[float] = None) -> str:
        """Cancels a job; returns its state afterwards (``cancelled``, or its final state if it ended)."""
        return self._request("cancel_job_request", {}, timeout_s, job_id=job_id).content["state"]

    def status(self, job_id: str, timeout_s: Optional[float] = None) -> Dict[str, Any]:
        """The job's record: state, stage, frames done and total, times, last seq, error."""
        return self._request("job_status_request", {}, timeout_s, job_id=job_id).content["job"]

    def list_jobs(self, states: Sequence[str] = (), limit: int = 100,
                  timeout_s: Optional[float] = None) -> List[Dict[str, Any]]:
        """Job records on the node, optionally only those in ``states``, at most ``limit``."""
        content = {"states": list(states), "limit": limit}
        return self._request("list_jobs_request", content, timeout_s).content["jobs"]

    def attach(self, job_id: str, since: int = 0, timeout_s: Optional[float] = None) -> Dict[str, Any]:
        """Re-attaches to a job: the node resends its events with ``seq > since``, then sends new ones.

        Returns:
            The ``attach_job_reply`` content: job, first_seq (oldest event the node still holds), last_seq.
        """
        reply = self._request("attach_job_request", {"since": since}, timeout_s, job_id=job_id)
        self._attached[job_id] = self.connection.generation
        return reply.content

    def close(self) -> None:
        """Closes the socket."""
        self.connection.close()

    def __enter__(self) -> "NodeClient":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def _request(self, msg_type: str, content: Dict[str, Any], timeout_s: Optional[float],
                 **ids: Any) -> Message:
        return self.connection.request(msg_type, content, timeout_s=self.timeout_s if timeout_s is None else timeout_s,
                                       retries=self.retries, **ids)

    def _attach_from(self, job_id: str, since: int, pending: Dict[int, Message], timeout_s: float) -> int:
        """Re-attaches from ``since``; returns the new last seq (moved on if the node lost events)."""
        first = self.attach(job_id, since, timeout_s)["first_seq"]
        if first <= since + 1:
            return since
        log.warning("events %d..%d of job %s are no longer held by the node", since + 1, first - 1, job_id)
        for seq in [seq for seq in pending if seq < first]:
            del pending[seq]
        return first - 1

    def _send_frames(self, job_id: str, source: Mapping[str, Any], frames: Iterable[Tuple[int, Any]],
                     timeout_s: Optional[float]) -> None:
        """Streams inline frames, one per frames_chunk_request, each acknowledged before the next."""
        shape = (source["height"], source["width"], source["channels"])
        iterator = iter(frames)
        current = next(iterator, None)
        while current is not None:
            following = next(iterator, None)
            number, pixels = current
            buffer = make_buffer("frame", source["dtype"], shape, pixels)
            content = {"frames": [number], "final": following is None}
            self._request("frames_chunk_request", content, timeout_s, job_id=job_id, buffers=[buffer])
            current = following
