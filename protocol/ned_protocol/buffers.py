"""Raw pixel frames after the header: dtype/shape descriptors, zero-copy views and their checks.

Pixels travel as little-endian, C-order (row-major) raw frames, never inside msgpack. A host
with numpy wraps a received buffer without copying::

    pixels = numpy.frombuffer(buf.data, dtype=buf.dtype).reshape(buf.shape)

(read-only if the frame is; unaligned frames are handled by numpy, a little slower).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Sequence, Tuple

from .exceptions import BufferMismatchError, InvalidFieldError, SizeLimitError
from .limits import Limits

#: Bytes per element of every dtype a buffer may declare.
DTYPE_SIZES: Dict[str, int] = {"float16": 2, "float32": 4, "uint8": 1, "uint16": 2}

_MAX_DIM = 1 << 31
_MAX_NAME_LEN = 64
# what a sender checks its own buffers against before the peer's limits apply
_SENDER_LIMITS = Limits(max_buffer_bytes=1 << 62, max_buffer_elements=1 << 62, max_ndim=32)


@dataclass(frozen=True)
class Buffer:
    """One raw frame of pixels, viewed without copying.

    Attributes:
        name: what the pixels are (e.g. ``"frame"``, ``"plate"``).
        dtype: a key of :data:`DTYPE_SIZES`.
        shape: e.g. ``(H, W, C)`` for an image.
        data: flat byte view (format ``"B"``) of ``prod(shape) * itemsize`` bytes; it keeps the
            underlying zmq frame or host array alive.
    """

    name: str
    dtype: str
    shape: Tuple[int, ...]
    data: memoryview

    def to_wire(self) -> Dict[str, Any]:
        """The descriptor that goes into the header's ``buffers`` list."""
        return {"name": self.name, "dtype": self.dtype, "shape": list(self.shape)}


def make_buffer(name: str, dtype: str, shape: Sequence[int], data: Any) -> Buffer:
    """Wraps host pixels for sending, without copying them.

    Args:
        name: what the pixels are.
        dtype: ``"float16"``, ``"float32"``, ``"uint8"`` or ``"uint16"``.
        shape: declared shape, e.g. ``(1080, 1920, 4)``.
        data: any C-contiguous bytes-like object (bytes, bytearray, memoryview, array.array,
            a numpy array). It must not change until the message is sent.

    Returns:
        The buffer.

    Raises:
        InvalidFieldError: unknown dtype, bad name or shape.
        BufferMismatchError: ``data`` is not C-contiguous or its size disagrees with dtype x shape.
    """
    view = memoryview(data)
    if not view.c_contiguous:
        raise BufferMismatchError(f"buffer {name!r} is not C-contiguous: pass numpy.ascontiguousarray(...)")
    flat = view.cast("B")
    return _checked({"name": name, "dtype": dtype, "shape": list(shape)}, flat, _SENDER_LIMITS, "buffer")


def attach_buffers(descriptors: Any, frames: Sequence[Any], limits: Limits) -> Tuple[Buffer, ...]:
    """Pairs the header's buffer descriptors with the raw frames that followed it.

    Args:
        descriptors: the header's ``buffers`` value (untrusted).
        frames: the raw frames (bytes-like or ``zmq.Frame``), in order.
        limits: the size limits.

    Returns:
        One :class:`Buffer` per frame, viewing the frame's memory.

    Raises:
        InvalidFieldError: a descriptor is not a map with name, dtype and shape of the right types.
        SizeLimitError: too many buffers, too many bytes, too many elements or dimensions.
        BufferMismatchError: descriptor count differs from the frame count, or a frame's length
            differs from its dtype x shape.
    """
    if not isinstance(descriptors, list):
        raise InvalidFieldError("header.buffers: expected a list", details={"field": "header.buffers"})
    if len(frames) > limits.max_buffers or len(descriptors) > limits.max_buffers:
        count = max(len(frames), len(descriptors))
        raise SizeLimitError(f"message has {count} buffers, limit {limits.max_buffers}")
    if len(descriptors) != len(frames):
        raise BufferMismatchError(
            f"header describes {len(descriptors)} buffers but {len(frames)} raw frames follow")
    views = [memoryview(frame).cast("B") for frame in frames]
    total = sum(view.nbytes for view in views)
    if total > limits.max_message_bytes:
        raise SizeLimitError(f"buffers hold {total} bytes, more than the limit of {limits.max_message_bytes}")
    return tuple(_checked(desc, view, limits, f"header.buffers[{i}]")
                 for i, (desc, view) in enumerate(zip(descriptors, views)))


def check_outgoing(buffers: Sequence[Buffer], limits: Limits) -> List[Dict[str, Any]]:
    """Checks buffers about to be sent against ``limits``; returns their descriptors.

    Raises:
        SizeLimitError: the peer would refuse the message as too large.
    """
    wire = [buf.to_wire() for buf in buffers]
    attach_buffers(wire, [buf.data for buf in buffers], limits)
    return wire


def _checked(desc: Any, view: memoryview, limits: Limits, where: str) -> Buffer:
    """Validates one descriptor against its frame and builds the Buffer."""
    if not isinstance(desc, dict):
        raise InvalidFieldError(f"{where}: expected a map with name, dtype, shape", details={"field": where})
    name, dtype, shape = desc.get("name"), desc.get("dtype"), desc.get("shape")
    if not isinstance(name, str) or not 0 < len(name) <= _MAX_NAME_LEN:
        raise InvalidFieldError(f"{where}.name: expected 1..{_MAX_NAME_LEN} characters, got {name!r:.80}",
                                details={"field": f"{where}.name"})
    if not isinstance(dtype, str) or dtype not in DTYPE_SIZES:
        raise InvalidFieldError(f"{where}.dtype: expected one of {sorted(DTYPE_SIZES)}, got {dtype!r:.80}",
                                details={"field": f"{where}.dtype"})
    if not isinstance(shape, list) or len(shape) > limits.max_ndim:
        raise SizeLimitError(f"{where}.shape: expected a list of at most {limits.max_ndim} sizes, got {shape!r:.80}")
    if not all(type(dim) is int and 0 <= dim < _MAX_DIM for dim in shape):
        raise InvalidFieldError(f"{where}.shape: sizes must be integers in [0, 2**31), got {shape!r:.80}",
                                details={"field": f"{where}.shape"})
    elements = 1
    for dim in shape:
        elements *= dim
    if elements > limits.max_buffer_elements:
        raise SizeLimitError(f"{where}: shape {shape} has {elements} elements, limit {limits.max_buffer_elements}")
    if view.nbytes > limits.max_buffer_bytes:
        raise SizeLimitError(f"{where}: {view.nbytes} bytes, more than the limit of {limits.max_buffer_bytes}")
    expected = elements * DTYPE_SIZES[dtype]
    if view.nbytes != expected:
        raise BufferMismatchError(
            f"{where} ({name!r}): {dtype} x {shape} needs {expected} bytes, the frame has {view.nbytes}")
    return Buffer(name=name, dtype=dtype, shape=tuple(shape), data=view)
