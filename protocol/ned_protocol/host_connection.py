"""Node connection settings as hosts store them (address and key file paths) and the client they make."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Callable

from .exceptions import KeyFileError

#: Where a node listens by default (``ned node serve``), unless $NED_NODE says otherwise.
DEFAULT_ADDRESS = "tcp://127.0.0.1:5570"


@dataclass(frozen=True)
class NodeSettings:
    """How a host reaches its node.

    Attributes:
        address: e.g. ``tcp://render07:5570``.
        key_file: shared HMAC key file, or "" for a node without key.
        server_key: CURVE: the node's public key file (``server.key``), or "".
        client_key: CURVE: this client's secret key file (``NAME.key_secret``), or "".
        timeout_s: time limit of each request.
    """

    address: str = DEFAULT_ADDRESS
    key_file: str = ""
    server_key: str = ""
    client_key: str = ""
    timeout_s: float = 10.0

    @classmethod
    def from_environment(cls) -> "NodeSettings":
        """Defaults from $NED_NODE and $NED_KEY_FILE (as the ``ned`` CLI uses them)."""
        return cls(address=os.environ.get("NED_NODE", DEFAULT_ADDRESS), key_file=os.environ.get("NED_KEY_FILE", ""))


def client_factory(settings: NodeSettings) -> Callable[[], Any]:
    """A zero-argument callable making a :class:`~ned_protocol.NodeClient` for ``settings``.

    Key files are read when the client is made, so a bad file surfaces as the job's failure.

    Raises (when called):
        KeyFileError: a key file is unreadable, or only one of the two CURVE files is set.
    """

    def make() -> Any:
        from .client import NodeClient
        from .curve_auth import ClientCurve, load_keypair, load_public_key
        from .signing import read_key_file

        if bool(settings.server_key) != bool(settings.client_key):
            raise KeyFileError("CURVE needs both the node's public key file (server.key) and this client's "
                               "secret key file (NAME.key_secret); only one is set")
        curve = (ClientCurve(load_public_key(settings.server_key), load_keypair(settings.client_key))
                 if settings.server_key else None)
        key = read_key_file(settings.key_file) if settings.key_file else None
        return NodeClient(settings.address, key, curve, timeout_s=settings.timeout_s, client_name="ned host plugin")
    return make
