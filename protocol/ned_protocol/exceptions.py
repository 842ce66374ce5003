"""Every error of the wire protocol, one class per failure, each with a stable ``code``."""

from __future__ import annotations

from typing import Any, Mapping, Optional

#: Every error code a peer may put in an error reply or a ``job_failed`` event, with its meaning.
#: Codes are stable: a client may switch on them. PROTOCOL.md documents the same table.
ERROR_CODES: Mapping[str, str] = {
    # raised by the decoder (ned_protocol) on either side
    "malformed_message": "frames missing, or the header is not a valid msgpack map",
    "too_large": "a size limit was exceeded (header bytes, buffers, elements, ...)",
    "buffer_mismatch": "buffer descriptors disagree with the raw frames (count, dtype, shape, bytes)",
    "invalid_field": "a header or content field is missing, has the wrong type or is out of range",
    "unknown_msg_type": "the msg_type is not part of this protocol version",
    "version_mismatch": "the protocol major versions differ: upgrade the older side",
    "bad_signature": "the HMAC signature does not verify (wrong key, or the message was altered)",
    "unsigned_message": "a message without signature reached a peer that has a key",
    "replayed_message": "a msg_id was seen before within the replay window",
    "stale_message": "the timestamp lies outside the replay window (check the clocks)",
    # raised by the client only; never sent on the wire
    "timeout": "the node did not answer in time (node down, wrong address, or a different key)",
    "bad_key_file": "a key file (HMAC key, CURVE key) is missing, unreadable or malformed",
    # sent by the node in error replies and job_failed events
    "job_not_found": "no job with this job_id on the node",
    "queue_full": "the node accepts no more jobs right now; retry later",
    "not_available": "the requested tier, model, director, renderer or device is not installed",
    "noncommercial_not_allowed": "the job needs weights with non-commercial terms: set allow_noncommercial",
    "source_error": "the source frames cannot be read (missing file, gap, unreadable frame)",
    "frames_incomplete": "an inline job did not receive all its frames",
    "output_error": "the output directory or file cannot be written",
    "render_failed": "the pipeline failed on this job (ename names the pipeline error)",
    "cancelled": "the job was cancelled by a cancel_job request",
    "internal_error": "an unexpected failure on the node (its log has the traceback)",
}


class ProtocolError(Exception):
    """Base class of every protocol error. ``str(err)`` is a complete, actionable message.

    Attributes:
        code: stable error code, a key of :data:`ERROR_CODES`.
        header: the offending message's validated header (a ``Header``) when decoding got that far,
            else None; a node answers with an error reply only when it is set.
        details: structured facts for the error reply (e.g. both protocol versions).
    """

    code = "protocol_error"

    def __init__(self, message: str, *, header: Any = None, details: Optional[Mapping[str, Any]] = None):
        super().__init__(message)
        self.header = header
        self.details = dict(details or {})


class MalformedMessageError(ProtocolError):
    """The multipart message has too few frames or its header is not a msgpack map."""

    code = "malformed_message"


class SizeLimitError(ProtocolError):
    """A configured size limit was exceeded (see ``Limits``)."""

    code = "too_large"


class BufferMismatchError(ProtocolError):
    """Buffer descriptors disagree with the raw frames that follow the header."""

    code = "buffer_mismatch"


class InvalidFieldError(ProtocolError):
    """A field is missing, has the wrong type or is out of range; ``details['field']`` names it."""

    code = "invalid_field"


class UnknownMessageTypeError(ProtocolError):
    """The msg_type is not part of this protocol version."""

    code = "unknown_msg_type"


class VersionMismatchError(ProtocolError):
    """The sender's protocol major version differs from this end's."""

    code = "version_mismatch"


class AuthenticationError(ProtocolError):
    """The message cannot be trusted; a node drops it (and logs) instead of replying."""


class SignatureError(AuthenticationError):
    """The HMAC signature does not match the header and buffers."""

    code = "bad_signature"


class UnsignedMessageError(AuthenticationError):
    """The message has no signature but this end requires one."""

    code = "unsigned_message"


class ReplayError(AuthenticationError):
    """The msg_id was already seen within the replay window."""

    code = "replayed_message"


class StaleMessageError(AuthenticationError):
    """The message timestamp lies outside the replay window."""

    code = "stale_message"


class NodeTimeoutError(ProtocolError):
    """The node did not answer within the caller's timeout."""

    code = "timeout"


class KeyFileError(ProtocolError):
    """A key file (HMAC key, CURVE key) is missing, unreadable or malformed."""

    code = "bad_key_file"


class RemoteError(ProtocolError):
    """The node answered with an error reply; ``code``, ``ename`` and ``evalue`` are the node's."""

    def __init__(self, code: str, ename: str, evalue: str, details: Optional[Mapping[str, Any]] = None):
        super().__init__(f"node error {code} ({ename}): {evalue}", details=details)
        self.code = code
        self.ename = ename
        self.evalue = evalue
