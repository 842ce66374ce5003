"""One DEALER connection to a node: requests with deadlines and retries, replies and events sorted by job."""

from __future__ import annotations

import collections
import logging
import threading
import time
from typing import Any, Deque, Dict, Optional, Sequence, Union

import zmq

from .buffers import Buffer
from .curve_auth import ClientCurve
from .envelope import Message
from .exceptions import NodeTimeoutError, ProtocolError, RemoteError
from .messages import CATALOGUE
from .session import Session
from .sockets import make_dealer

log = logging.getLogger(__name__)

#: Longest time one thread holds the socket while polling, seconds (bounds waits of other threads).
POLL_SLICE_S = 0.05
#: Events kept per followed job until read; older ones are dropped and recovered by re-attaching.
EVENT_BACKLOG = 4096


class Connection:
    """Sends requests and sorts what arrives: replies by the request they answer, events by job.

    Thread-safe: every socket call happens under one lock held at most ``POLL_SLICE_S`` at a time,
    so a UI thread can cancel while a worker thread reads events. Whichever thread polls files
    messages for all of them.

    Args:
        address: the node, e.g. ``tcp://node:5555``.
        session: signs and checks messages.
        curve: CURVE keys when the node encrypts, else None.
        context: zmq context (``inproc://`` addresses need the node's); the global one by default.
    """

    def __init__(self, address: str, session: Session, *, curve: Optional[ClientCurve] = None,
                 context: Optional[zmq.Context] = None):
        self.address = address
        self.session = session
        self.curve = curve
        self.context = context if context is not None else zmq.Context.instance()
        #: Increases on every reconnect: the node then sees a new peer and has to be re-attached to.
        self.generation = 0
        self._lock = threading.RLock()
        self._socket = make_dealer(self.context, address, session.limits, curve)
        self._waiting: set = set()
        self._replies: Dict[str, Union[Message, ProtocolError]] = {}
        self._events: Dict[str, Deque[Message]] = {}

    def request(self, msg_type: str, content: Dict[str, Any], *, timeout_s: float, retries: int,
                job_id: Optional[str] = None, request_id: Optional[str] = None,
                buffers: Sequence[Buffer] = ()) -> Message:
        """Sends a request and returns its ``ok`` reply, retrying on a fresh socket after a timeout.

        The whole call takes at most ``timeout_s``, split evenly over ``retries + 1`` attempts. Each
        attempt is a new message (new msg_id) with the same request_id, which every request may be
        retried with (see PROTOCOL.md).

        Raises:
            InvalidFieldError: the content breaks the schema (nothing is sent).
            RemoteError: the node answered with an error reply.
            NodeTimeoutError: no reply within ``timeout_s``.
            ProtocolError: the reply itself could not be decoded (e.g. version_mismatch).
        """
        attempts = retries + 1
        for attempt in range(attempts):
            msg = self.session.message(msg_type, content, job_id=job_id, request_id=request_id, buffers=buffers)
            reply = self._exchange(msg, time.monotonic() + timeout_s / attempts)
            if reply is not None:
                if isinstance(reply, ProtocolError):
                    raise reply
                if reply.is_error:
                    raise RemoteError(reply.content["code"], reply.content["ename"], reply.content["evalue"],
                                      reply.content["details"])
                return reply
            log.info("no reply to %s from %s (attempt %d of %d); reconnecting", msg_type, self.address,
                     attempt + 1, attempts)
            self.reconnect()
        raise NodeTimeoutError(
            f"no reply to {msg_type} from the node at {self.address} within {timeout_s:g} s ({attempts} attempts): "
            "is the node running there, and do both sides use the same key? A node drops messages "
            "whose signature does not verify, and refuses CURVE clients not on its allowlist")

    def next_event(self, job_id: str, timeout_s: float) -> Optional[Message]:
        """The oldest unread event of a followed job, or None if none arrived within ``timeout_s``."""
        deadline = time.monotonic() + timeout_s
        while True:
            with self._lock:
                queue = self._events.get(job_id)
                if queue:
                    return queue.popleft()
            if time.monotonic() >= deadline:
                return None
            self._pump(deadline)

    def follow(self, job_id: str) -> None:
        """Keeps the events of ``job_id`` from now on (a successful submit or attach does this too)."""
        with self._lock:
            self._events.setdefault(job_id, collections.deque(maxlen=EVENT_BACKLOG))

    def unfollow(self, job_id: str) -> None:
        """Stops keeping the events of ``job_id`` and drops the unread ones."""
        with self._lock:
            self._events.pop(job_id, None)

    def reconnect(self) -> None:
        """Replaces the socket, dropping anything still queued on the old one (lazy-pirate pattern)."""
        with self._lock:
            self._socket.close(linger=0)
            self._socket = make_dealer(self.context, self.address, self.session.limits, self.curve)
            self.generation += 1

    def close(self) -> None:
        """Closes the socket (the context stays, it may be shared)."""
        with self._lock:
            self._socket.close(linger=0)

    def _exchange(self, msg: Message, deadline: float) -> Union[Message, ProtocolError, None]:
        """Sends ``msg`` and waits for its reply until ``deadline``; None when none came."""
        frames = self.session.serialize(msg)
        try:
            with self._lock:
                self._waiting.add(msg.header.msg_id)
                try:
                    self._socket.send_multipart(frames, flags=zmq.NOBLOCK, copy=False)
                except zmq.Again:
                    log.warning("the outgoing queue to %s is full; %s not sent", self.address, msg.msg_type)
            while True:
                with self._lock:
                    if msg.header.msg_id in self._replies:
                        return self._replies.pop(msg.header.msg_id)
                if time.monotonic() >= deadline:
                    return None
                self._pump(deadline)
        finally:
            with self._lock:
                self._waiting.discard(msg.header.msg_id)
                self._replies.pop(msg.header.msg_id, None)

    def _pump(self, deadline: float) -> None:
        """Waits up to one poll slice for messages and files every one that has arrived."""
        wait_ms = max(1, int(1000 * min(POLL_SLICE_S, deadline - time.monotonic())))
        with self._lock:
            if not self._socket.poll(wait_ms):
                return
            while True:
                try:
                    frames = self._socket.recv_multipart(flags=zmq.NOBLOCK, copy=False)
                except zmq.Again:
                    return
                self._file(frames)

    def _file(self, frames: Any) -> None:
        """Decodes one message and puts it where its reader will look (caller holds the lock)."""
        try:
            msg = self.session.deserialize(frames)
        except ProtocolError as exc:
            parent = exc.header.parent_id if exc.header is not None else None
            if parent in self._waiting:
                self._replies[parent] = exc
            else:
                log.warning("dropped a message from %s: %s", self.address, exc)
            return
        kind = CATALOGUE[msg.msg_type].kind
        if kind == "reply" and msg.header.parent_id in self._waiting:
            self._replies[msg.header.parent_id] = msg
            if msg.msg_type == "submit_job_reply" and not msg.is_error:
                self.follow(msg.content["job_id"])
            elif msg.msg_type == "attach_job_reply" and not msg.is_error:
                self.follow(msg.content["job"]["job_id"])
        elif kind == "event" and msg.header.job_id in self._events:
            self._events[msg.header.job_id].append(msg)
        else:
            log.debug("ignored %s from %s (nobody waits for it)", msg.msg_type, self.address)
