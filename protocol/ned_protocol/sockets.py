"""ZeroMQ sockets for both ends, configured alike: frame size cap, linger, CURVE."""

from __future__ import annotations

from typing import Optional

import zmq

from .curve_auth import ClientCurve, CurveKeyPair, apply_client_curve, apply_server_curve
from .limits import Limits

#: How long a closing node socket may still flush queued replies, milliseconds.
ROUTER_LINGER_MS = 1000


def make_dealer(context: zmq.Context, address: str, limits: Limits, curve: Optional[ClientCurve] = None) -> zmq.Socket:
    """A client socket connected to ``address`` (e.g. ``tcp://node:5555``).

    LINGER is 0 (a timed-out request is abandoned with its socket); libzmq drops the connection
    when one incoming frame exceeds the limits, before buffering it.
    """
    socket = context.socket(zmq.DEALER)
    socket.linger = 0
    socket.setsockopt(zmq.MAXMSGSIZE, max(limits.max_buffer_bytes, limits.max_header_bytes))
    if curve is not None:
        apply_client_curve(socket, curve)
    socket.connect(address)
    return socket


def make_router(context: zmq.Context, address: str, limits: Limits, curve: Optional[CurveKeyPair] = None) -> zmq.Socket:
    """A node socket bound to ``address``; ``tcp://127.0.0.1:*`` binds a free port.

    Read the bound address from ``socket.last_endpoint``. Frames larger than the limits make libzmq
    drop the sender's connection before buffering them.
    """
    socket = context.socket(zmq.ROUTER)
    socket.linger = ROUTER_LINGER_MS
    socket.setsockopt(zmq.MAXMSGSIZE, max(limits.max_buffer_bytes, limits.max_header_bytes))
    if curve is not None:
        apply_server_curve(socket, curve)
    socket.bind(address)
    return socket
