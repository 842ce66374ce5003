"""Error codes are unique, tabled in ERROR_CODES and documented in PROTOCOL.md with every message type."""

from __future__ import annotations

from pathlib import Path

import ned_protocol
from ned_protocol import exceptions
from ned_protocol.messages import CATALOGUE

PROTOCOL_MD = (Path(ned_protocol.__file__).parent.parent / "PROTOCOL.md").read_text()


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_concrete_error_class_has_its_own_tabled_code():
    codes = [cls.code for cls in _subclasses(exceptions.ProtocolError)
             if cls not in (exceptions.AuthenticationError, exceptions.RemoteError)]
    assert len(codes) == len(set(codes))
    assert set(codes) <= set(exceptions.ERROR_CODES)


def test_every_code_and_message_type_is_documented():
    missing = [code for code in exceptions.ERROR_CODES if f"| `{code}` |" not in PROTOCOL_MD]
    missing += [msg_type for msg_type in CATALOGUE if f"{msg_type}" not in PROTOCOL_MD]
    assert missing == []


def test_remote_error_keeps_the_node_code():
    err = exceptions.RemoteError("queue_full", "QueueFull", "8 jobs queued, limit 8", {"queued": 8})
    assert (err.code, err.details) == ("queue_full", {"queued": 8}) and "queue_full" in str(err)
