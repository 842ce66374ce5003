"""Thousands of malformed multipart messages: the decoder only ever raises ProtocolError subclasses, fast."""

from __future__ import annotations

import copy
import time
import tracemalloc
import uuid

import msgpack
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ned_protocol import BufferMismatchError, Limits, ProtocolError, Session, SizeLimitError
from ned_protocol.signing import Signer

KEY = b"fuzz-key"
FUZZ = settings(max_examples=1000, deadline=500, suppress_health_check=[HealthCheck.too_slow],
                derandomize=True, database=None)

# msgpack-able values of any shape: what a confused or hostile peer may put anywhere
scalars = st.one_of(st.none(), st.booleans(), st.integers(-(2 ** 63), 2 ** 64 - 1), st.floats(allow_nan=True),
                    st.text(max_size=20), st.binary(max_size=20))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=10), inner, max_size=5)), max_leaves=20)


def _decode(frames, key=None) -> None:
    """Decodes with a fresh session; anything but success or a ProtocolError fails the test."""
    try:
        Session(key, limits=Limits(max_buffers=8, max_buffer_bytes=1 << 20)).deserialize(frames)
    except ProtocolError:
        pass


def _valid_header(samples, msg_type: str) -> dict:
    content, ids = copy.deepcopy(samples[msg_type])
    return {"version": [1, 0], "msg_type": msg_type, "msg_id": uuid.uuid4().hex, "session": "fuzz",
            "timestamp": time.time(), "request_id": ids.get("request_id"), "job_id": ids.get("job_id"),
            "parent_id": None, "content": content, "buffers": []}


def _signed(header: dict, buffers=(), key=KEY) -> list:
    packed = msgpack.packb(header, use_bin_type=True)
    return [Signer(key).sign(packed, list(buffers)), packed, *buffers]


@FUZZ
@given(st.lists(st.binary(max_size=200), max_size=12))
def test_random_frames(frames):
    _decode(frames)
    _decode(frames, KEY)


@FUZZ
@given(st.sampled_from(["submit_job_request", "frame_result", "list_jobs_reply", "hello_reply"]),
       st.floats(0, 1), st.booleans())
def test_truncated_msgpack_signed_correctly(samples, msg_type, cut, signed):
    header = msgpack.packb(_valid_header(samples, msg_type), use_bin_type=True)
    truncated = header[: int(len(header) * cut)]
    key = KEY if signed else None
    _decode([Signer(key).sign(truncated, []), truncated], key)


@FUZZ
@given(st.sampled_from(["submit_job_request", "job_status_reply", "progress", "attach_job_request"]),
       st.data())
def test_wrong_types_anywhere_in_header_or_content(samples, msg_type, data):
    header = _valid_header(samples, msg_type)
    target = header if data.draw(st.booleans()) or not header["content"] else header["content"]
    target[data.draw(st.sampled_from(sorted(target)))] = data.draw(values)
    _decode(_signed(header), KEY)


@FUZZ
@given(st.lists(st.integers(-5, 2 ** 40), max_size=6), st.sampled_from(["float16", "float32", "uint8", "int64", 7]),
       st.integers(0, 3), st.integers(0, 64))
def test_declared_shapes_and_buffer_counts(samples, shape, dtype, n_frames, frame_bytes):
    header = _valid_header(samples, "frame_result")
    header["content"]["path"] = None
    header["buffers"] = [{"name": "plate", "dtype": dtype, "shape": shape}]
    _decode(_signed(header, [bytes(frame_bytes)] * n_frames), KEY)


@FUZZ
@given(st.integers(0, 10 ** 6), st.integers(0, 255))
def test_single_byte_flips_in_a_valid_unsigned_message(samples, position, value):
    frames = _signed(_valid_header(samples, "submit_job_request"), key=None)
    header = bytearray(frames[1])
    header[position % len(header)] = value
    _decode([b"", bytes(header)])


def test_huge_declared_shape_allocates_nothing_and_fails_fast(samples):
    header = _valid_header(samples, "frame_result")
    header["content"]["path"] = None
    header["buffers"] = [{"name": "plate", "dtype": "float32", "shape": [2 ** 30, 2 ** 30, 4]}]
    tracemalloc.start()
    start = time.perf_counter()
    with pytest.raises(SizeLimitError, match="elements"):
        Session(KEY).deserialize(_signed(header, [bytes(16)]))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert time.perf_counter() - start < 0.1 and peak < 1 << 20


def test_shape_that_disagrees_with_the_bytes_is_a_buffer_mismatch(samples):
    header = _valid_header(samples, "frame_result")
    header["content"]["path"] = None
    header["buffers"] = [{"name": "plate", "dtype": "float16", "shape": [4, 8, 4]}]
    with pytest.raises(BufferMismatchError, match="needs 256 bytes, the frame has 255"):
        Session(KEY).deserialize(_signed(header, [bytes(255)]))


@pytest.mark.parametrize("bomb", [
    b"\xdd\xff\xff\xff\xff",            # array header claiming 4 billion items
    b"\xdf\xff\xff\xff\xff",            # map header claiming 4 billion keys
    b"\xdb\xff\xff\xff\xff",            # str header claiming 4 GB
    b"\x91" * 100_000,                  # nesting 100000 deep
])
def test_msgpack_bombs_are_refused_without_allocating(bomb):
    tracemalloc.start()
    with pytest.raises(ProtocolError):
        Session().deserialize([b"", bomb])
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 8 << 20
