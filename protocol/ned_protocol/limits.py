"""Size limits every received message is checked against, and the bounded msgpack decoder."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Dict

import msgpack

from .exceptions import MalformedMessageError, SizeLimitError


@dataclass(frozen=True)
class Limits:
    """Per-message size limits. The defaults fit an 8K RGBA float32 frame in one buffer.

    Attributes:
        max_header_bytes: packed msgpack header (frame 2), bytes.
        max_buffers: raw binary frames after the header.
        max_buffer_bytes: one raw frame, bytes (also libzmq's MAXMSGSIZE on sockets made here).
        max_message_bytes: all raw frames of one message together, bytes.
        max_buffer_elements: product of one buffer's declared shape.
        max_ndim: dimensions of one buffer's shape.
        max_str_len: any string (or bin) inside the header, bytes.
        max_list_len: any list inside the header, items.
        max_map_len: any map inside the header, keys.
    """

    max_header_bytes: int = 1 << 20
    max_buffers: int = 64
    max_buffer_bytes: int = 512 << 20
    max_message_bytes: int = 1 << 30
    max_buffer_elements: int = 1 << 28
    max_ndim: int = 4
    max_str_len: int = 4096
    max_list_len: int = 100_000
    max_map_len: int = 256

    def to_wire(self) -> Dict[str, int]:
        """The limits as a plain map, as ``hello_reply`` reports them."""
        return dataclasses.asdict(self)


def pack(obj: Any) -> bytes:
    """Packs a header map with msgpack (str as UTF-8 str type, bytes as bin type)."""
    return msgpack.packb(obj, use_bin_type=True)


def check_sizes(value: Any, limits: Limits, where: str) -> None:
    """Refuses, before sending, a header value a receiver with ``limits`` would refuse (strings, bins, lists, maps).

    Raises:
        SizeLimitError: names the field, its size and the limit (a receiver would drop the message otherwise,
            and the sender would only see a timeout).
    """
    if isinstance(value, str):
        size = len(value.encode("utf-8"))
        if size > limits.max_str_len:
            raise SizeLimitError(f"{where}: a string of {size} bytes, more than max_str_len {limits.max_str_len}")
    elif isinstance(value, (bytes, bytearray, memoryview)):
        if memoryview(value).nbytes > limits.max_str_len:
            raise SizeLimitError(f"{where}: {memoryview(value).nbytes} bytes, more than max_str_len "
                                 f"{limits.max_str_len}")
    elif isinstance(value, dict):
        if len(value) > limits.max_map_len:
            raise SizeLimitError(f"{where}: a map of {len(value)} keys, more than max_map_len {limits.max_map_len}")
        for key, item in value.items():
            check_sizes(key, limits, where)
            check_sizes(item, limits, f"{where}.{key}")
    elif isinstance(value, (list, tuple)):
        if len(value) > limits.max_list_len:
            raise SizeLimitError(f"{where}: a list of {len(value)} items, more than max_list_len "
                                 f"{limits.max_list_len}")
        for index, item in enumerate(value):
            check_sizes(item, limits, f"{where}[{index}]")


def unpack_envelope(data: Any) -> Any:
    """Best-effort decode of a header that broke a size limit, to learn what it answers (or None).

    Only called on a header within ``max_header_bytes`` whose signature verified: msgpack then bounds every length
    by the header's own size, so nothing larger than the header is allocated.
    """
    try:
        return msgpack.unpackb(data, raw=False, strict_map_key=True, max_ext_len=0)
    except (ValueError, RecursionError, msgpack.UnpackException):
        return None


def unpack_header(data: Any, limits: Limits) -> Dict[str, Any]:
    """Decodes one packed header, refusing anything larger than ``limits`` allow.

    Args:
        data: bytes-like packed msgpack.
        limits: the size limits.

    Returns:
        The header as a dict with str keys.

    Raises:
        SizeLimitError: the packed header or one of its strings, lists or maps is too large.
        MalformedMessageError: not msgpack, trailing bytes, ext types, non-str keys, bad UTF-8,
            nesting too deep, or not a map at the top.
    """
    size = memoryview(data).nbytes
    if size > limits.max_header_bytes:
        raise SizeLimitError(f"header is {size} bytes, more than the limit of {limits.max_header_bytes}")
    try:
        header = msgpack.unpackb(
            data,
            raw=False,
            strict_map_key=True,
            use_list=True,
            max_str_len=limits.max_str_len,
            max_bin_len=limits.max_str_len,
            max_array_len=limits.max_list_len,
            max_map_len=limits.max_map_len,
            max_ext_len=0,
        )
    except (ValueError, RecursionError, msgpack.UnpackException) as exc:
        # msgpack reports both limit breaches and garbage as ValueError; tell them apart by text
        too_large = "exceeds max_" in str(exc) and "max_ext_len" not in str(exc)
        kind = SizeLimitError if too_large else MalformedMessageError
        raise kind(f"header is not valid msgpack within the limits: {type(exc).__name__}: {exc}") from None
    if not isinstance(header, dict):
        raise MalformedMessageError(f"header must be a msgpack map, got {type(header).__name__}")
    if not all(isinstance(key, str) for key in header):
        raise MalformedMessageError("header keys must be strings")
    return header
