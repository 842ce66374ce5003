"""Job events: stored with their seq, then delivered to every subscriber from its own cursor (never blocking)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import zmq

from ned_core.exceptions import PlateInspectError
from ned_node.plate_header import read_plate_pixels
from ned_node.store import JobStore
from ned_protocol import Session, make_buffer

log = logging.getLogger("ned_node.events")
#: Subscribers kept per job (the oldest is dropped beyond this: a client reconnecting over and over).
MAX_SUBSCRIBERS = 64
#: Stored events read per lagging subscriber per pump.
CATCH_UP_BATCH = 64


@dataclass
class Subscriber:
    """A client that submitted or attached to a job: where to send, in answer to what, what it has."""

    identity: bytes
    parent_id: str
    cursor: int  # seq of the last event sent to it


class EventPublisher:
    """Stores every event of a job, then sends it to the job's subscribers in seq order.

    Each subscriber has a cursor. An event is sent at once to subscribers that are up to date; a
    subscriber that is behind (it attached with an old ``since``, or its send queue was full) is
    caught up from the store by :meth:`pump`. Sends never block: ZeroMQ's ``ROUTER_MANDATORY`` makes a
    full queue raise ``Again`` (retried on the next pump) and a vanished peer raise
    ``EHOSTUNREACH`` (the subscriber is dropped).

    Args:
        store: the job store.
        session: signs outgoing messages.
        socket: the node's ROUTER socket (``ROUTER_MANDATORY`` set).
        clock: wall-clock time source.
    """

    def __init__(self, store: JobStore, session: Session, socket: zmq.Socket, clock: Callable[[], float] = time.time):
        self.store, self.session, self.socket, self.clock = store, session, socket, clock
        self.subscribers: dict[str, dict[bytes, Subscriber]] = {}
        self.last_event_at: dict[str, float] = {}
        self._last_seq: dict[str, int] = {}
        self._request_ids: dict[str, str] = {}
        self._pixels: tuple[tuple[str, int], object] | None = None

    # --- subscriptions ----------------------------------------------------------------------
    def subscribe(self, job_id: str, request_id: str, last_seq: int, identity: bytes, parent_id: str,
                  since: int) -> None:
        """Sends the job's events after ``since`` to ``identity`` from the next :meth:`pump` on."""
        self._request_ids[job_id] = request_id
        self._last_seq[job_id] = last_seq
        subs = self.subscribers.setdefault(job_id, {})
        subs.pop(identity, None)
        subs[identity] = Subscriber(identity, parent_id, since)
        while len(subs) > MAX_SUBSCRIBERS:
            del subs[next(iter(subs))]

    def forget(self, job_id: str) -> None:
        """Drops a removed job's subscribers."""
        for table in (self.subscribers, self.last_event_at, self._last_seq, self._request_ids):
            table.pop(job_id, None)

    # --- events -----------------------------------------------------------------------------
    def emit(self, job_id: str, msg_type: str, content: dict, **job_fields) -> dict:
        """Stores an event (and job columns, atomically) and sends it to up-to-date subscribers."""
        stored = self.store.append_event(job_id, msg_type, content, **job_fields)
        self._delivered(job_id, msg_type, stored)
        return stored

    def emit_frame(self, job_id: str, frame: int, result: dict, event: dict) -> dict | None:
        """Stores a finished frame with its ``frame_result`` event and sends it; None if already stored."""
        stored = self.store.record_frame(job_id, frame, result, event)
        if stored is not None:
            self._delivered(job_id, "frame_result", stored)
        return stored

    def announce(self, job_id: str, msg_type: str, content: dict) -> None:
        """Sends a final event that could not be stored (the state dir is full) to the job's subscribers, as the
        next seq, and drops them (a client that misses it sees the failure in the job's status)."""
        content = {**content, "seq": self._last_seq.get(job_id, 0) + 1}
        for sub in list(self.subscribers.get(job_id, {}).values()):
            self._send(job_id, sub, msg_type, content)
        self.subscribers.pop(job_id, None)

    def _delivered(self, job_id: str, msg_type: str, content: dict) -> None:
        self.last_event_at[job_id] = self.clock()
        self._last_seq[job_id] = content["seq"]
        for sub in list(self.subscribers.get(job_id, {}).values()):
            if sub.cursor == content["seq"] - 1:
                self._send(job_id, sub, msg_type, content)

    def pump(self) -> None:
        """Catches lagging subscribers up from the store, a batch each; drops those of finished jobs."""
        for job_id, subs in list(self.subscribers.items()):
            last = self._last_seq.get(job_id, 0)
            for sub in list(subs.values()):
                if sub.cursor >= last:
                    continue
                for msg_type, content in self.store.events_since(job_id, sub.cursor, CATCH_UP_BATCH):
                    if not self._send(job_id, sub, msg_type, content):
                        break

    def _send(self, job_id: str, sub: Subscriber, msg_type: str, content: dict) -> bool:
        """Sends one event; advances the cursor on success. False when the peer's queue is full or it is gone."""
        buffers = []
        if msg_type == "frame_result" and content["path"] is None:
            try:
                pixels = self._plate_pixels(job_id, content["frame"])
            except PlateInspectError:
                log.exception("inline plate unreadable; event skipped", extra={"job_id": job_id, "seq": content["seq"]})
                sub.cursor = content["seq"]
                return True
            buffers = [make_buffer("plate", "float16", pixels.shape, pixels)]
        msg = self.session.message(msg_type, content, job_id=job_id, request_id=self._request_ids.get(job_id),
                                   parent_id=sub.parent_id, buffers=buffers)
        try:
            self.session.send(self.socket, msg, identity=sub.identity, flags=zmq.NOBLOCK)
        except zmq.Again:
            return False  # its queue is full: the next pump retries from the cursor
        except zmq.ZMQError as exc:
            if exc.errno != zmq.EHOSTUNREACH:
                raise
            self._drop(job_id, sub.identity)  # the client disconnected; it re-attaches when it comes back
            return False
        sub.cursor = content["seq"]
        if msg_type in ("job_done", "job_failed"):
            self._drop(job_id, sub.identity)
        return True

    def _drop(self, job_id: str, identity: bytes) -> None:
        subs = self.subscribers.get(job_id, {})
        subs.pop(identity, None)
        if not subs:
            self.subscribers.pop(job_id, None)

    def _plate_pixels(self, job_id: str, frame: int):
        """An inline plate's pixels (the last one read is kept: several subscribers get the same frame)."""
        key = (job_id, frame)
        if self._pixels is None or self._pixels[0] != key:
            self._pixels = (key, read_plate_pixels(self.store.frame_result(job_id, frame)["path"]))
        return self._pixels[1]
