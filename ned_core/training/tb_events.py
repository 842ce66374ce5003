"""Write scalar curves as a TensorBoard event file, without TensorFlow or the tensorboard package.

The file is a TFRecord stream of ``Event`` protocol buffers (TensorBoard's own format): each
record is ``uint64 length | uint32 masked crc32c(length) | data | uint32 masked crc32c(data)``,
little-endian, with crc32c the Castagnoli CRC and ``masked = ((crc >> 15 | crc << 17) + 0xa282ead8)``.
The first event carries ``file_version = "brain.Event:2"``; each later event carries a wall time,
a step and a ``Summary`` of ``(tag, simple_value)`` pairs. Field numbers: Event.wall_time = 1
(double), step = 2 (int64), file_version = 3, summary = 5; Summary.value = 1; Value.tag = 1,
simple_value = 2 (float). Point ``tensorboard --logdir`` at the folder to see the curves.
"""

from __future__ import annotations

import socket
import struct
import time
from pathlib import Path

_CASTAGNOLI = 0x82F63B78  # reversed polynomial of CRC-32C


def _crc_table() -> tuple[int, ...]:
    table = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ _CASTAGNOLI if c & 1 else c >> 1
        table.append(c)
    return tuple(table)


_TABLE = _crc_table()


def crc32c(data: bytes) -> int:
    """The CRC-32C (Castagnoli) of ``data``."""
    crc = 0xFFFFFFFF
    for byte in data:
        crc = _TABLE[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked_crc32c(data: bytes) -> int:
    """TFRecord's masked CRC of ``data``."""
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _field(number: int, payload: bytes) -> bytes:  # length-delimited (wire type 2)
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def encode_event(wall_time: float, step: int, scalars: dict[str, float] | None = None,
                 file_version: str | None = None) -> bytes:
    """One serialised ``Event`` message."""
    out = bytes([1 << 3 | 1]) + struct.pack("<d", wall_time) + _varint(2 << 3) + _varint(step)
    if file_version is not None:
        out += _field(3, file_version.encode())
    if scalars:
        values = b"".join(
            _field(1, _field(1, tag.encode()) + bytes([2 << 3 | 5]) + struct.pack("<f", float(v)))
            for tag, v in scalars.items()
        )
        out += _field(5, values)
    return out


def frame_record(data: bytes) -> bytes:
    """``data`` framed as one TFRecord."""
    length = struct.pack("<Q", len(data))
    return length + struct.pack("<I", masked_crc32c(length)) + data + struct.pack("<I", masked_crc32c(data))


class EventWriter:
    """Appends scalar events to ``folder/events.out.tfevents.<time>.<host>``; flushed after every write."""

    def __init__(self, folder: Path | str) -> None:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        now = time.time()
        self.path = folder / f"events.out.tfevents.{int(now)}.{socket.gethostname()}"
        self._file = open(self.path, "ab")
        self._write(encode_event(now, 0, file_version="brain.Event:2"))

    def _write(self, event: bytes) -> None:
        self._file.write(frame_record(event))
        self._file.flush()

    def scalars(self, step: int, values: dict[str, float]) -> None:
        """Record ``{tag: value}`` at ``step``."""
        self._write(encode_event(time.time(), step, values))

    def close(self) -> None:
        """Close the file."""
        self._file.close()
