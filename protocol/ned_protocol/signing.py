"""HMAC-SHA256 message signatures with a shared key, shared-key files, and the replay history."""

from __future__ import annotations

import collections
import hashlib
import hmac
import os
import secrets
import time
from pathlib import Path
from typing import Any, Callable, Optional, Sequence, Union

from .exceptions import KeyFileError, ReplayError, SignatureError, StaleMessageError, UnsignedMessageError


def generate_key() -> bytes:
    """A new random shared key: 64 hex characters (256 bits) as ASCII bytes."""
    return secrets.token_hex(32).encode("ascii")


def read_key_file(path: Union[str, os.PathLike]) -> bytes:
    """Reads a shared key written by the installer (surrounding whitespace ignored).

    Raises:
        KeyFileError: the file is missing, unreadable or empty.
    """
    try:
        key = Path(path).read_bytes().strip()
    except OSError as exc:
        raise KeyFileError(f"cannot read the shared key file {path}: {exc.strerror}") from None
    if not key:
        raise KeyFileError(f"the shared key file {path} is empty")
    return key


class Signer:
    """Signs and verifies messages with HMAC-SHA256 over the packed header and every buffer frame.

    With ``key=None`` the signature frame is empty, and a non-empty one is refused (the peer has a
    key this end lacks, so the two are configured differently).
    """

    def __init__(self, key: Optional[bytes]):
        if key is not None and (not isinstance(key, bytes) or not key):
            raise KeyFileError("the shared key must be non-empty bytes (or None for no signing), "
                               f"got {type(key).__name__}")
        self.key = key

    def sign(self, header: Any, buffers: Sequence[Any]) -> bytes:
        """The signature frame: lowercase hex digest as ASCII bytes, or ``b""`` without a key."""
        if self.key is None:
            return b""
        digest = hmac.new(self.key, header, hashlib.sha256)
        for buf in buffers:
            digest.update(buf)
        return digest.hexdigest().encode("ascii")

    def verify(self, signature: Any, header: Any, buffers: Sequence[Any]) -> None:
        """Checks a received signature frame in constant time.

        Raises:
            UnsignedMessageError: empty signature while this end has a key.
            SignatureError: the signature does not match (or is present while this end has no key).
        """
        got = bytes(signature)
        if self.key is None:
            if got:
                raise SignatureError("the message is signed but this end has no key: configure the same key "
                                     "on both sides, or none on either")
            return
        if not got:
            raise UnsignedMessageError("the message is unsigned but this end requires a signature: "
                                       "configure the shared key on the sender")
        if not hmac.compare_digest(self.sign(header, buffers), got):
            raise SignatureError("the signature does not match: the keys differ or the message was altered")


class ReplayGuard:
    """Refuses a msg_id seen before and timestamps further than ``window_s`` from this clock.

    An id is remembered for ``2 * window_s`` after arrival, long enough that a copy is refused either
    as seen or as stale. At most ``max_entries`` ids are kept (oldest forgotten first), which bounds
    memory at about 200 bytes per entry.

    The history lives in memory. A node passes ``not_before`` = its start time, so that a message captured
    before a restart (whose id the new process never saw) is refused as stale instead of accepted again.

    Args:
        window_s: accepted clock difference, seconds, in both directions (hosts need NTP-synced clocks).
        max_entries: cap on remembered ids.
        clock: the time source (seconds since the epoch).
        not_before: timestamps before this time (seconds since the epoch) are refused; None = no bound.
    """

    def __init__(self, window_s: float = 300.0, max_entries: int = 100_000, clock: Callable[[], float] = time.time,
                 not_before: Optional[float] = None):
        self.window_s = window_s
        self.max_entries = max_entries
        self.clock = clock
        self.not_before = not_before
        self._seen: "collections.OrderedDict[str, float]" = collections.OrderedDict()

    def check(self, msg_id: str, timestamp: float) -> None:
        """Records ``msg_id`` or refuses it.

        Raises:
            StaleMessageError: ``timestamp`` is more than ``window_s`` away from now.
            ReplayError: ``msg_id`` was seen within the window.
        """
        now = self.clock()
        while self._seen and (next(iter(self._seen.values())) < now - 2 * self.window_s
                              or len(self._seen) >= self.max_entries):
            self._seen.popitem(last=False)
        if abs(now - timestamp) > self.window_s:
            raise StaleMessageError(f"message {msg_id} is {now - timestamp:+.1f} s old, outside the replay window "
                                    f"of +-{self.window_s:g} s: synchronise the clocks (NTP)")
        if self.not_before is not None and timestamp < self.not_before:
            raise StaleMessageError(f"message {msg_id} was sent {self.not_before - timestamp:.1f} s before this peer "
                                    "started: refused, as a replay from before a restart could be (resend it; "
                                    "check NTP if this repeats)")
        if msg_id in self._seen:
            raise ReplayError(f"message {msg_id} was already received: refused as a replay")
        self._seen[msg_id] = now
