"""CURVE keys of a node: its own pair, the client allowlist (create, list, revoke) and live revocation."""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import zmq

from ned_node.errors import KeyManagementError
from ned_protocol import KeyFileError, generate_key
from ned_protocol.curve_auth import (
    CurveKeyPair,
    generate_keypair,
    load_keypair,
    load_public_key,
    start_allowlist,
    write_keypair,
)

SERVER_NAME = "server"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


@dataclass(frozen=True)
class ClientKey:
    """One client key the node knows.

    Attributes:
        name: the name it was created under.
        public: its public key (40 z85 characters).
        path: its certificate file.
        revoked: True once revoked (kept in ``revoked/`` for the record).
    """

    name: str
    public: str
    path: Path
    revoked: bool


def clients_dir(curve_dir: Path) -> Path:
    return curve_dir / "clients"


def server_keypair(curve_dir: Path) -> CurveKeyPair:
    """The node's own key pair, created on first use (``server.key`` is what clients need).

    Raises:
        KeyManagementError: the folder cannot be written or holds a damaged key file.
    """
    secret = curve_dir / f"{SERVER_NAME}.key_secret"
    try:
        if not secret.exists():
            write_keypair(generate_keypair(), curve_dir, SERVER_NAME)
        clients_dir(curve_dir).mkdir(parents=True, exist_ok=True, mode=0o700)
        return load_keypair(secret)
    except (KeyFileError, OSError) as exc:
        raise KeyManagementError(f"CURVE folder {curve_dir}: {exc}") from exc


def create_client(curve_dir: Path, name: str, out_dir: Path) -> tuple[Path, Path]:
    """Creates a client key pair: the pair goes to ``out_dir`` (for the client), the public key to the allowlist.

    Returns:
        ``(secret certificate for the client, the node's public key file)``.

    Raises:
        KeyManagementError: bad name, the name is taken (allowed or revoked), or a folder cannot be written.
    """
    _check_name(name)
    server_keypair(curve_dir)
    if any(key.name == name for key in list_clients(curve_dir)):
        raise KeyManagementError(f"a client key named {name!r} exists already in {curve_dir}; pick another name "
                                 "(revoked names stay taken so that logs remain unambiguous)")
    pair = generate_keypair()
    try:
        public, secret = write_keypair(pair, out_dir, name)
        shutil.copyfile(public, clients_dir(curve_dir) / f"{name}.key")
    except (KeyFileError, OSError) as exc:
        raise KeyManagementError(f"cannot write the client key {name!r}: {exc}") from exc
    return secret, curve_dir / f"{SERVER_NAME}.key"


def list_clients(curve_dir: Path) -> list[ClientKey]:
    """Every client key, allowed first, then revoked, each sorted by name."""
    keys = []
    for folder, revoked in ((clients_dir(curve_dir), False), (curve_dir / "revoked", True)):
        if folder.is_dir():
            for path in sorted(folder.glob("*.key")):
                try:
                    public = load_public_key(path).decode("ascii")
                except KeyFileError:
                    public = "(unreadable)"
                keys.append(ClientKey(path.stem, public, path, revoked))
    return keys


def revoke_client(curve_dir: Path, name: str) -> Path:
    """Moves a client's public key out of the allowlist (into ``revoked/``); a running node refuses it within seconds.

    Raises:
        KeyManagementError: no allowed client of that name.
    """
    _check_name(name)
    path = clients_dir(curve_dir) / f"{name}.key"
    if not path.is_file():
        raise KeyManagementError(f"no allowed client key named {name!r} in {clients_dir(curve_dir)}")
    target = curve_dir / "revoked" / f"{name}.key"
    target.parent.mkdir(exist_ok=True, mode=0o700)
    os.replace(path, target)
    return target


def write_hmac_key(path: Path) -> Path:
    """Creates a new shared HMAC key file (mode 0600, never overwritten) for ``--key-file``.

    Raises:
        KeyManagementError: the file exists or cannot be created.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise KeyManagementError(f"cannot create the key file {path}: {exc.strerror} (an existing key is never "
                                 "overwritten: every client holds a copy)") from exc
    with os.fdopen(fd, "wb") as handle:
        handle.write(generate_key() + b"\n")
    return path


def _check_name(name: str) -> None:
    if not _NAME.match(name) or name == SERVER_NAME:
        raise KeyManagementError(f"key name {name!r}: use 1-64 letters, digits, '.', '_' or '-' (not {SERVER_NAME!r})")


class Allowlist:
    """The CURVE allowlist of a running node: ZAP for handshakes plus a per-message check of the sender's key.

    The folder is re-read when it changes, so a revoked key is refused on its next message even on a
    connection that was admitted before.

    Args:
        context: the node's zmq context.
        curve_dir: the CURVE folder.
    """

    def __init__(self, context: zmq.Context, curve_dir: Path):
        self.folder = clients_dir(curve_dir)
        self.auth = start_allowlist(context, self.folder)
        self._stamp = self._mtime()
        self.keys = self._load()

    def _mtime(self) -> float:
        return self.folder.stat().st_mtime_ns

    def _load(self) -> frozenset[str]:
        return frozenset(key.public for key in list_clients(self.folder.parent) if not key.revoked)

    def refresh(self) -> bool:
        """Re-reads the folder if it changed; True when it did."""
        stamp = self._mtime()
        if stamp == self._stamp:
            return False
        self._stamp = stamp
        self.keys = self._load()
        self.auth.configure_curve(domain="*", location=str(self.folder))
        return True

    def allowed(self, user_id: str | None) -> bool:
        """Whether a message's ZAP User-Id (the client's z85 public key) is still on the list."""
        return user_id in self.keys

    def stop(self) -> None:
        self.auth.stop()
