"""One end of a connection: builds, signs, serialises and checks messages (imports no zmq).

A node's ROUTER socket receives ``[identity, signature, header, *buffers]``; it passes everything after
the identity to :meth:`Session.deserialize` and answers a decode error like this::

    try:
        msg = session.deserialize(frames[1:])
    except AuthenticationError:
        log(...)                                 # drop: never answer what cannot be trusted
    except ProtocolError as exc:
        if exc.header is None:
            log(...)                             # nothing to answer to
        else:
            session.send(router, session.error_reply_for(exc), identity=frames[0])
"""

from __future__ import annotations

import dataclasses
import time
import uuid
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence

from .adapters import MINOR_UPGRADES, Adapter, check_version, upgrade
from .buffers import Buffer, attach_buffers, check_outgoing
from .envelope import Header, Message, read_header
from .exceptions import MalformedMessageError, ProtocolError, SizeLimitError
from .limits import Limits, check_sizes, pack, unpack_envelope, unpack_header
from .messages import check_content, clip_evalue, reply_type
from .signing import ReplayGuard, Signer
from .version import PROTOCOL_VERSION


class Session:
    """Signs and checks every message of one end of a connection.

    Args:
        key: shared HMAC key (bytes), or None for unsigned messages (trusted networks only).
        limits: size limits applied to received messages (and checked before sending).
        version: the protocol version this end speaks.
        upgrades: adapters for older minor versions (see ``adapters.MINOR_UPGRADES``).
        replay: the replay history; by default one with a 300 s window when a key is set, none otherwise.
        clock: time source for message timestamps.
    """

    def __init__(self, key: Optional[bytes] = None, *, limits: Limits = Limits(),
                 version: Sequence[int] = PROTOCOL_VERSION, upgrades: Mapping[int, Adapter] = MINOR_UPGRADES,
                 replay: Optional[ReplayGuard] = None, clock: Callable[[], float] = time.time):
        self.signer = Signer(key)
        self.limits = limits
        self.version = (int(version[0]), int(version[1]))
        self.upgrades = upgrades
        self.replay = replay if replay is not None or key is None else ReplayGuard(clock=clock)
        self.clock = clock
        self.session_id = uuid.uuid4().hex

    def message(self, msg_type: str, content: Mapping[str, Any], *, job_id: Optional[str] = None,
                request_id: Optional[str] = None, parent_id: Optional[str] = None,
                buffers: Sequence[Buffer] = ()) -> Message:
        """A new message with a fresh msg_id, its content checked and completed with defaults.

        Raises:
            UnknownMessageTypeError, InvalidFieldError, BufferMismatchError: the message breaks the catalogue.
        """
        header = Header(msg_type=msg_type, msg_id=uuid.uuid4().hex, session=self.session_id, timestamp=self.clock(),
                        version=self.version, request_id=request_id, job_id=job_id, parent_id=parent_id)
        content = check_content(msg_type, dict(content), job_id, request_id, buffers)
        return Message(header=header, content=content, buffers=tuple(buffers))

    def reply(self, request: Header, content: Mapping[str, Any], *, job_id: Optional[str] = None,
              buffers: Sequence[Buffer] = ()) -> Message:
        """The ``ok`` reply to ``request``: ``<action>_reply``, ids copied, ``status`` set."""
        return self.message(reply_type(request.msg_type), {**content, "status": "ok"},
                            job_id=job_id if job_id is not None else request.job_id,
                            request_id=request.request_id, parent_id=request.msg_id, buffers=buffers)

    def error_reply(self, request: Header, code: str, ename: str, evalue: str,
                    details: Optional[Mapping[str, Any]] = None) -> Message:
        """The ``error`` reply to ``request``. The traceback is never sent (the node logs it)."""
        return self.message(reply_type(request.msg_type), _error_content(code, ename, evalue, details),
                            job_id=request.job_id, request_id=request.request_id, parent_id=request.msg_id)

    def error_instead(self, reply: Message, error: ProtocolError) -> Message:
        """The error reply sent in place of ``reply`` when ``reply`` itself cannot be sent (e.g. too large)."""
        content = _error_content(error.code, type(error).__name__, str(error), error.details)
        return self.message(reply.msg_type, content, job_id=reply.header.job_id,
                            request_id=reply.header.request_id, parent_id=reply.header.parent_id)

    def error_reply_for(self, error: ProtocolError) -> Message:
        """The error reply to the message that raised ``error`` (``error.header`` must be set)."""
        if error.header is None:
            raise ValueError("error_reply_for needs an error raised after the header was read")
        details: Dict[str, Any] = dict(error.details)
        if error.code == "version_mismatch":
            details["supported"] = [list(self.version)]
        return self.error_reply(error.header, error.code, type(error).__name__, str(error), details)

    def serialize(self, msg: Message) -> List[Any]:
        """The multipart frames ``[signature, header, *buffers]``; buffers are not copied.

        Raises:
            SizeLimitError: the message exceeds this end's limits (the peer would refuse it).
        """
        wire = msg.header.to_wire()
        wire["content"] = msg.content
        try:
            check_sizes(msg.content, self.limits, "content")
        except SizeLimitError as exc:
            raise SizeLimitError(f"{msg.msg_type} too large to send (the peer would refuse it): {exc}",
                                 details=exc.details) from None
        wire["buffers"] = check_outgoing(msg.buffers, self.limits)
        packed = pack(wire)
        if len(packed) > self.limits.max_header_bytes:
            raise SizeLimitError(f"{msg.msg_type} header is {len(packed)} bytes, limit {self.limits.max_header_bytes}")
        data = [buf.data for buf in msg.buffers]
        return [self.signer.sign(packed, data), packed, *data]

    def deserialize(self, frames: Sequence[Any]) -> Message:
        """Checks and decodes ``[signature, header, *buffers]`` (bytes-like or zmq.Frame parts).

        Order: frame counts and sizes, signature, msgpack, envelope, major version, replay history,
        buffers, minor-version upgrade, content schema. Nothing received is ever executed.

        Raises:
            ProtocolError: a subclass naming the failure; ``header`` is set once the envelope was read.
        """
        if len(frames) < 2:
            raise MalformedMessageError(f"expected [signature, header, *buffers], got {len(frames)} frame(s)")
        if len(frames) - 2 > self.limits.max_buffers:
            raise SizeLimitError(f"message has {len(frames) - 2} buffers, limit {self.limits.max_buffers}")
        try:
            views = [memoryview(frame) for frame in frames]
        except TypeError as exc:
            raise MalformedMessageError(f"a frame is not bytes-like: {exc}") from None
        signature, packed, raw = views[0], views[1], views[2:]
        if packed.nbytes > self.limits.max_header_bytes:
            raise SizeLimitError(f"header is {packed.nbytes} bytes, limit {self.limits.max_header_bytes}")
        if sum(view.nbytes for view in raw) > self.limits.max_message_bytes:
            raise SizeLimitError(f"buffers exceed the limit of {self.limits.max_message_bytes} bytes")
        self.signer.verify(signature, packed, raw)
        try:
            wire = unpack_header(packed, self.limits)
        except SizeLimitError as exc:
            exc.header = _envelope(packed)  # so the request it answers (or that sent it) hears why
            if exc.header is not None:
                exc.args = (f"{exc.header.msg_type} from the peer exceeds this end's limits: {exc}",)
            raise
        header = read_header(wire)
        try:
            check_version(header.version, self.version)
            if self.replay is not None:
                self.replay.check(header.msg_id, header.timestamp)
            buffers = attach_buffers(wire.get("buffers", []), raw, self.limits)
            wire = upgrade(wire, header.version, self.version, self.upgrades)
            content = check_content(wire["msg_type"], wire["content"], header.job_id, header.request_id, buffers)
        except ProtocolError as exc:
            exc.header = header
            raise
        if wire["msg_type"] != header.msg_type:
            header = dataclasses.replace(header, msg_type=wire["msg_type"])
        return Message(header=header, content=content, buffers=buffers)

    def send(self, socket: Any, msg: Message, *, identity: Optional[bytes] = None, flags: int = 0) -> None:
        """Sends ``msg`` on a zmq socket without copying its buffers (``identity`` first on a ROUTER)."""
        frames = self.serialize(msg)
        socket.send_multipart([identity, *frames] if identity is not None else frames, flags=flags, copy=False)

    def recv(self, socket: Any, flags: int = 0) -> Message:
        """Receives and checks one message from a DEALER socket, buffers zero-copy."""
        return self.deserialize(socket.recv_multipart(flags=flags, copy=False))


def _envelope(packed: Any) -> Optional[Header]:
    """The header of a message that broke a size limit, or None when even that cannot be read."""
    wire = unpack_envelope(packed)
    try:
        return read_header(wire) if isinstance(wire, dict) else None
    except ProtocolError:
        return None


def _error_content(code: str, ename: str, evalue: str, details: Optional[Mapping[str, Any]]) -> Dict[str, Any]:
    return {"status": "error", "code": code, "ename": ename, "evalue": clip_evalue(evalue),
            "details": dict(details or {}), "traceback": None}
