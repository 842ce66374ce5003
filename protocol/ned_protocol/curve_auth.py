"""ZeroMQ CURVE encryption: key pair files (z85, ZeroMQ certificate format), socket set-up, allowlist.

Key files are ZeroMQ certificates: ``NAME.key`` holds the public key, ``NAME.key_secret`` both keys
(mode 0600). A node allows the clients whose ``NAME.key`` files sit in its allowlist directory.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Tuple, Union

import zmq
import zmq.auth
from zmq.auth.thread import ThreadAuthenticator
from zmq.utils import z85

from .exceptions import KeyFileError

PathLike = Union[str, os.PathLike]


@dataclass(frozen=True)
class CurveKeyPair:
    """One CURVE key pair, each key 40 z85 characters as bytes."""

    public: bytes
    secret: bytes


@dataclass(frozen=True)
class ClientCurve:
    """What a client needs to reach a CURVE node: the node's public key and the client's own pair."""

    server_public: bytes
    client: CurveKeyPair


def generate_keypair() -> CurveKeyPair:
    """A new random CURVE key pair (``zmq.curve_keypair``)."""
    public, secret = zmq.curve_keypair()
    return CurveKeyPair(public=public, secret=secret)


def write_keypair(pair: CurveKeyPair, directory: PathLike, name: str) -> Tuple[Path, Path]:
    """Writes ``name.key`` (public, shareable) and ``name.key_secret`` (mode 0600) into ``directory``.

    Returns:
        ``(public_path, secret_path)``.

    Raises:
        KeyFileError: a file of that name exists already, or the directory cannot be written.
    """
    folder = Path(directory)
    public_path, secret_path = folder / f"{name}.key", folder / f"{name}.key_secret"
    banner = f"#   NED render node CURVE certificate {name!r} (ZeroMQ certificate format)\n"
    public_line = f'    public-key = "{pair.public.decode("ascii")}"\n'
    secret_line = f'    secret-key = "{pair.secret.decode("ascii")}"\n'
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        _write_new(secret_path, banner + "metadata\ncurve\n" + public_line + secret_line, 0o600)
        _write_new(public_path, banner + "metadata\ncurve\n" + public_line, 0o644)
    except OSError as exc:
        raise KeyFileError(f"cannot write CURVE key files {name}.key* in {folder}: {exc.strerror}") from None
    return public_path, secret_path


def load_public_key(path: PathLike) -> bytes:
    """Reads a public key: a ZeroMQ certificate file, or a file holding just the 40 z85 characters.

    Raises:
        KeyFileError: missing, unreadable, or no valid z85 public key in it.
    """
    try:
        text = Path(path).read_bytes().strip()
    except OSError as exc:
        raise KeyFileError(f"cannot read the CURVE public key file {path}: {exc.strerror}") from None
    return _checked_key(text if len(text) == 40 else _certificate(path)[0], path)


def load_keypair(secret_path: PathLike) -> CurveKeyPair:
    """Reads a ``NAME.key_secret`` certificate.

    Raises:
        KeyFileError: missing, unreadable, or without a valid public and secret key.
    """
    public, secret = _certificate(secret_path)
    if secret is None:
        raise KeyFileError(f"{secret_path} holds no secret key: pass the NAME.key_secret file, not NAME.key")
    return CurveKeyPair(public=_checked_key(public, secret_path), secret=_checked_key(secret, secret_path))


def apply_client_curve(socket: Any, curve: ClientCurve) -> None:
    """Makes ``socket`` (before connect) a CURVE client of the node whose public key is given."""
    socket.curve_serverkey = curve.server_public
    socket.curve_publickey = curve.client.public
    socket.curve_secretkey = curve.client.secret


def apply_server_curve(socket: Any, pair: CurveKeyPair) -> None:
    """Makes ``socket`` (before bind) a CURVE server with the node's key pair."""
    socket.curve_secretkey = pair.secret
    socket.curve_publickey = pair.public
    socket.curve_server = True


def start_allowlist(context: zmq.Context, allowlist_dir: PathLike) -> ThreadAuthenticator:
    """Starts a ZAP authenticator that admits only clients whose ``*.key`` file is in ``allowlist_dir``.

    The directory is read once; call again (after ``stop()``) to pick up new clients. Stop the
    returned authenticator before terminating the context.

    Raises:
        KeyFileError: the directory is missing or holds a certificate without a public key.
    """
    folder = Path(allowlist_dir)
    if not folder.is_dir():
        raise KeyFileError(f"the CURVE allowlist directory {folder} does not exist")
    auth = ThreadAuthenticator(context)
    auth.start()
    try:
        auth.configure_curve(domain="*", location=str(folder))
    except (OSError, ValueError) as exc:
        auth.stop()
        raise KeyFileError(f"cannot load the CURVE allowlist in {folder}: {exc}") from None
    return auth


def _write_new(path: Path, text: str, mode: int) -> None:
    """Creates ``path`` with ``mode`` from the start (never readable by others in between)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(text)


def _certificate(path: PathLike) -> Tuple[bytes, Any]:
    try:
        return zmq.auth.load_certificate(path)
    except (OSError, ValueError) as exc:
        raise KeyFileError(f"cannot read the CURVE certificate {path}: {exc}") from None


def _checked_key(key: bytes, path: PathLike) -> bytes:
    try:
        valid = len(key) == 40 and len(z85.decode(key)) == 32
    except (ValueError, KeyError, TypeError, struct.error):
        valid = False
    if not valid:
        raise KeyFileError(f"{path} does not hold a valid CURVE key (40 z85 characters)")
    return key
