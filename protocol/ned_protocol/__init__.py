"""Client side and wire format of the NED render node protocol (pure Python: pyzmq + msgpack only).

The import name is ``ned_protocol`` so that it cannot clash with other ``protocol`` modules inside
a host application's Python (Nuke, Resolve; Python 3.9+). PROTOCOL.md next to this package
specifies the wire format. Importing the package loads no zmq: the socket-level names below
(``NodeClient``, the CURVE helpers, the socket factories) are imported on first use.
"""

import importlib
from typing import Any

from .buffers import Buffer, make_buffer
from .envelope import Header, Message
from .exceptions import (
    ERROR_CODES, AuthenticationError, BufferMismatchError, InvalidFieldError, KeyFileError, MalformedMessageError,
    NodeTimeoutError, ProtocolError, RemoteError, ReplayError, SignatureError, SizeLimitError, StaleMessageError,
    UnknownMessageTypeError, UnsignedMessageError, VersionMismatchError,
)
from .limits import Limits
from .session import Session
from .signing import ReplayGuard, generate_key, read_key_file
from .version import PROTOCOL_VERSION, __version__

_LAZY = {
    "NodeClient": "client",
    "ClientCurve": "curve_auth",
    "CurveKeyPair": "curve_auth",
    "generate_keypair": "curve_auth",
    "write_keypair": "curve_auth",
    "load_public_key": "curve_auth",
    "load_keypair": "curve_auth",
    "start_allowlist": "curve_auth",
    "make_dealer": "sockets",
    "make_router": "sockets",
}


def __getattr__(name: str) -> Any:
    """Imports the zmq-dependent names on first use (PEP 562)."""
    if name not in _LAZY:
        raise AttributeError(f"module 'ned_protocol' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
