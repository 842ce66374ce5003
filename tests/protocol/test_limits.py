"""Every size limit refuses its own kind of oversized message with SizeLimitError before any work."""

from __future__ import annotations

import time
import uuid

import msgpack
import pytest

from ned_protocol import Limits, MalformedMessageError, Session, SizeLimitError
from ned_protocol.sockets import make_dealer, make_router


def _frames(content=None, buffers=(), descriptors=None, msg_type="heartbeat_request") -> list:
    header = {"version": [1, 0], "msg_type": msg_type, "msg_id": uuid.uuid4().hex, "session": "s",
              "timestamp": time.time(), "request_id": None, "job_id": "job-1", "parent_id": None,
              "content": content if content is not None else {}, "buffers": descriptors or []}
    return [b"", msgpack.packb(header, use_bin_type=True), *buffers]


def _plate(shape, nbytes):
    desc = {"name": "plate", "dtype": "uint8", "shape": list(shape)}
    return _frames(content={"seq": 1, "frame": 1, "display_window": [0, 0, 1, 1], "data_window": [0, 0, 1, 1],
                            "channels": ["R"]}, buffers=[bytes(nbytes)], descriptors=[desc], msg_type="frame_result")


@pytest.mark.parametrize("limits, frames, match", [
    (Limits(max_header_bytes=100), _frames(content={"pad": "x" * 200}), "header is .* bytes"),
    (Limits(max_str_len=10), _frames(content={"pad": "x" * 11}), "exceeds max_str_len"),
    (Limits(max_list_len=3), _frames(content={"pad": [1, 2, 3, 4]}), "exceeds max_array_len"),
    (Limits(max_map_len=3), _frames(content={"a": 1, "b": 2, "c": 3, "d": 4}), "exceeds max_map_len"),
    (Limits(max_buffers=2), _frames(buffers=[b"x"] * 3), "3 buffers, limit 2"),
    (Limits(max_buffer_bytes=10), _plate((11,), 11), "11 bytes, more than the limit of 10"),
    (Limits(max_message_bytes=10), _plate((11,), 11), "exceed the limit of 10 bytes"),
    (Limits(max_buffer_elements=10), _plate((11,), 11), "11 elements, limit 10"),
    (Limits(max_ndim=2), _plate((1, 1, 11), 11), "at most 2 sizes"),
], ids=["header", "str", "list", "map", "buffers", "buffer-bytes", "message-bytes", "elements", "ndim"])
def test_each_limit_is_enforced(limits, frames, match):
    with pytest.raises(SizeLimitError, match=match):
        Session(limits=limits).deserialize(frames)


def test_the_same_message_passes_default_limits():
    assert Session().deserialize(_plate((11,), 11)).buffers[0].shape == (11,)


@pytest.mark.parametrize("header", [msgpack.packb([1, 2]), msgpack.packb({"a": 1}) + b"\x00",
                                    msgpack.packb({b"bin-key": 1}), msgpack.packb(msgpack.Timestamp(1))])
def test_non_map_trailing_bytes_bin_keys_and_ext_types_are_malformed(header):
    with pytest.raises(MalformedMessageError):
        Session().deserialize([b"", header])


def test_limits_are_reported_as_a_plain_map():
    assert Limits().to_wire()["max_buffer_bytes"] == 512 << 20


def test_sockets_drop_an_oversized_frame_before_buffering_it(context):
    limits = Limits(max_header_bytes=100, max_buffer_bytes=1000)
    router = make_router(context, "tcp://127.0.0.1:*", limits)
    dealer = make_dealer(context, router.last_endpoint.decode(), limits)
    dealer.send_multipart([b"", b"h", bytes(1001)])
    assert not router.poll(500)
    dealer.send_multipart([b"", b"h", bytes(1000)])  # a later connection still works
    assert router.poll(5000) and len(router.recv_multipart()) == 4
    dealer.close()
    router.close()
