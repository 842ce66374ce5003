"""The envelope every message carries: header fields, their checks, and the decoded Message."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Optional, Tuple

from .buffers import Buffer
from .messages import CATALOGUE, ID, VERSION
from .schema import AnyMap, Float, Map, Nullable, Str

#: Header fields, frozen across all major versions so that any peer can read a version_mismatch.
HEADER = Map({
    "version": VERSION,
    "msg_type": Str(64, min_len=1, pattern=r"[a-z][a-z0-9_]*"),
    "msg_id": ID,
    "session": ID,
    "timestamp": Float(0),
    "request_id": Nullable(ID),
    "job_id": Nullable(ID),
    "parent_id": Nullable(ID),
    "content": AnyMap(),
})


@dataclass(frozen=True)
class Header:
    """Who sent what, when, and in answer to what.

    Attributes:
        msg_type: e.g. ``"submit_job_request"``.
        msg_id: unique id of this message (uuid4 hex).
        session: id of the sender's session (uuid4 hex, one per Session object).
        timestamp: send time, seconds since the epoch (UTC).
        version: the sender's protocol version ``(major, minor)``.
        request_id: the client's idempotency key, copied into replies and events; None if unused.
        job_id: the job this message is about, or None.
        parent_id: for a reply or event, the msg_id of the request it answers; else None.
    """

    msg_type: str
    msg_id: str
    session: str
    timestamp: float
    version: Tuple[int, int]
    request_id: Optional[str] = None
    job_id: Optional[str] = None
    parent_id: Optional[str] = None

    def to_wire(self) -> Dict[str, Any]:
        """The header fields as a plain map (content and buffers are added by the Session)."""
        return {
            "version": list(self.version), "msg_type": self.msg_type, "msg_id": self.msg_id,
            "session": self.session, "timestamp": self.timestamp, "request_id": self.request_id,
            "job_id": self.job_id, "parent_id": self.parent_id,
        }


@dataclass(frozen=True)
class Message:
    """One decoded (or about to be sent) message.

    Attributes:
        header: the envelope.
        content: the cleaned content map (see PROTOCOL.md for each msg_type).
        buffers: raw pixel frames, zero-copy.
    """

    header: Header
    content: Dict[str, Any]
    buffers: Tuple[Buffer, ...] = ()

    @property
    def msg_type(self) -> str:
        return self.header.msg_type

    @property
    def is_error(self) -> bool:
        """True for a reply whose status is ``"error"``."""
        return CATALOGUE[self.msg_type].kind == "reply" and self.content["status"] == "error"


def read_header(wire: Dict[str, Any]) -> Header:
    """Checks the envelope fields of a decoded header map.

    Raises:
        InvalidFieldError: a header field is missing or wrong (``details['field']`` names it).
    """
    fields = HEADER.check(wire, "header")
    return Header(
        msg_type=fields["msg_type"], msg_id=fields["msg_id"], session=fields["session"],
        timestamp=fields["timestamp"], version=(fields["version"][0], fields["version"][1]),
        request_id=fields["request_id"], job_id=fields["job_id"], parent_id=fields["parent_id"],
    )
