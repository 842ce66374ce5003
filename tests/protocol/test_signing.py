"""HMAC signatures, unsigned and replayed messages, key files, and what a node does with untrusted messages."""

from __future__ import annotations

import time

import numpy as np
import pytest

from ned_protocol import (
    NodeClient, NodeTimeoutError, ReplayError, ReplayGuard, Session, SignatureError, StaleMessageError,
    UnsignedMessageError, generate_key, make_buffer, read_key_file,
)
from ned_protocol.exceptions import KeyFileError

KEY = generate_key()


def _signed_frame_result(samples, sender: Session) -> list:
    pixels = np.arange(4 * 8 * 4, dtype=np.float16).reshape(4, 8, 4)
    msg = sender.message("frame_result", samples["frame_result"][0], job_id="job-1",
                         buffers=[make_buffer("plate", "float16", pixels.shape, pixels)])
    return [bytes(frame) for frame in sender.serialize(msg)]


def test_generated_keys_are_random_and_long():
    assert len(KEY) == 64 and KEY != generate_key()


def test_signed_message_verifies(samples):
    frames = _signed_frame_result(samples, Session(KEY))
    assert len(frames[0]) == 64 and Session(KEY).deserialize(frames).content["frame"] == 1003


@pytest.mark.parametrize("part", [1, 2], ids=["header", "buffer"])
def test_tampered_header_or_buffer_is_refused(samples, part):
    frames = _signed_frame_result(samples, Session(KEY))
    tampered = bytearray(frames[part])
    tampered[len(tampered) // 2] ^= 0x01
    frames[part] = bytes(tampered)
    with pytest.raises(SignatureError, match="does not match"):
        Session(KEY).deserialize(frames)


def test_other_key_is_refused(samples):
    with pytest.raises(SignatureError):
        Session(b"another key").deserialize(_signed_frame_result(samples, Session(KEY)))


def test_unsigned_message_is_refused_when_a_key_is_configured(samples):
    frames = _signed_frame_result(samples, Session(None))
    assert frames[0] == b""
    with pytest.raises(UnsignedMessageError, match="configure the shared key on the sender"):
        Session(KEY).deserialize(frames)


def test_signed_message_is_refused_by_an_end_without_key(samples):
    with pytest.raises(SignatureError, match="this end has no key"):
        Session(None).deserialize(_signed_frame_result(samples, Session(KEY)))


def test_replayed_message_is_refused(samples):
    receiver = Session(KEY)
    frames = _signed_frame_result(samples, Session(KEY))
    receiver.deserialize(frames)
    with pytest.raises(ReplayError, match="already received") as caught:
        receiver.deserialize(frames)
    assert caught.value.header.msg_type == "frame_result"


@pytest.mark.parametrize("skew_s", [-301.0, 301.0])
def test_too_old_or_future_timestamp_is_refused(samples, skew_s):
    sender = Session(KEY, clock=lambda: time.time() + skew_s)
    with pytest.raises(StaleMessageError, match="synchronise the clocks"):
        Session(KEY).deserialize(_signed_frame_result(samples, sender))


def test_replay_history_forgets_after_two_windows_and_stays_bounded():
    now = [1000.0]
    guard = ReplayGuard(window_s=10.0, max_entries=3, clock=lambda: now[0])
    guard.check("a", 1000.0)
    with pytest.raises(ReplayError):
        guard.check("a", 1000.0)
    now[0] = 1021.0  # "a" forgotten, and a copy of it is now stale anyway
    with pytest.raises(StaleMessageError):
        guard.check("a", 1000.0)
    for msg_id in "bcde":
        guard.check(msg_id, 1021.0)
    assert len(guard._seen) == 3


def test_key_file_round_trip_and_errors(tmp_path):
    path = tmp_path / "node.key"
    path.write_bytes(KEY + b"\n")
    assert read_key_file(path) == KEY
    (tmp_path / "empty.key").write_bytes(b" \n")
    with pytest.raises(KeyFileError, match="empty"):
        read_key_file(tmp_path / "empty.key")
    with pytest.raises(KeyFileError, match="cannot read"):
        read_key_file(tmp_path / "missing.key")


def test_node_drops_a_client_with_the_wrong_key_and_the_client_times_out(peer, context):
    node = peer(key=KEY)
    with NodeClient(node.address, key=b"wrong key", context=context, timeout_s=0.6) as client:
        start = time.monotonic()
        with pytest.raises(NodeTimeoutError, match="same key"):
            client.hello()
        assert time.monotonic() - start < 1.5
    assert node.errors and all(isinstance(err, SignatureError) for err in node.errors)
    assert node.received == []


def test_a_guard_bound_to_its_start_refuses_messages_signed_before_it(samples):
    sender = Session(KEY)
    captured = _signed_frame_result(samples, sender)  # signed before the receiver (a restarted node) starts
    time.sleep(0.01)
    restarted = Session(KEY, replay=ReplayGuard(not_before=time.time()))
    with pytest.raises(StaleMessageError, match="before this peer started"):
        restarted.deserialize(captured)
    restarted.deserialize(_signed_frame_result(samples, sender))  # what is signed after the start is accepted
