"""Every message type round-trips over real ZeroMQ sockets (inproc and tcp), pixels zero-copy and intact."""

from __future__ import annotations

import numpy as np
import pytest
import zmq

from ned_protocol import (
    PROTOCOL_VERSION, BufferMismatchError, InvalidFieldError, Limits, Session, SizeLimitError,
    UnknownMessageTypeError, make_buffer,
)
from ned_protocol.messages import CATALOGUE, reply_type


def _send_and_receive(sender: Session, receiver: Session, pair, msg):
    """Sends ``msg`` the way it travels (requests up to the ROUTER, the rest down to the DEALER)."""
    dealer, router, identity = pair
    if CATALOGUE[msg.msg_type].kind == "request":
        sender.send(dealer, msg)
        assert router.poll(5000)
        frames = router.recv_multipart(copy=False)
        assert frames[0].bytes == identity
        return receiver.deserialize(frames[1:])
    sender.send(router, msg, identity=identity)
    assert dealer.poll(5000)
    return receiver.recv(dealer)


def test_every_catalogue_type_has_a_sample(samples):
    assert set(samples) == set(CATALOGUE)


@pytest.mark.parametrize("msg_type", sorted(CATALOGUE))
def test_round_trip_every_message_type(msg_type, socket_pair, samples, buffers_for):
    key = b"round-trip-key"
    sender, receiver = Session(key), Session(key)
    content, ids = samples[msg_type]
    sent = sender.message(msg_type, content, buffers=buffers_for(msg_type), **ids)
    got = _send_and_receive(sender, receiver, socket_pair, sent)
    assert got.header == sent.header
    assert got.content == sent.content
    assert [(b.name, b.dtype, b.shape, bytes(b.data)) for b in got.buffers] == \
        [(b.name, b.dtype, b.shape, bytes(b.data)) for b in sent.buffers]
    assert got.header.version == PROTOCOL_VERSION and got.header.session == sender.session_id


def test_sample_values_survive_and_defaults_are_filled(socket_pair, samples):
    sender, receiver = Session(), Session()
    content, ids = samples["submit_job_request"]
    got = _send_and_receive(sender, receiver, socket_pair, sender.message("submit_job_request", content, **ids))
    assert got.content["emotion"]["intensity"] == 0.8 and got.content["emotion"]["tier"] == "embedded"
    assert got.content["source"]["frames"] == {"first": 1001, "last": 1010, "step": 1}
    assert got.content["face_track"]["boxes"][0]["box"] == [100.5, 80.0, 400.0, 420.0]
    assert got.header.request_id == "req-1"


def test_full_hd_half_frame_is_sent_without_copy_and_arrives_intact(socket_pair, half_frame_1080p, samples):
    sender, receiver = Session(b"k"), Session(b"k")
    plate = make_buffer("plate", "float16", half_frame_1080p.shape, half_frame_1080p)
    content, ids = samples["frame_result"]
    msg = sender.message("frame_result", {**content, "data_window": [0, 0, 1919, 1079]}, buffers=[plate], **ids)
    frames = sender.serialize(msg)
    assert np.shares_memory(np.frombuffer(frames[2], np.uint8), half_frame_1080p)  # zero-copy on send
    got = _send_and_receive(sender, receiver, socket_pair, msg)
    (buf,) = got.buffers
    assert isinstance(buf.data.obj, zmq.Frame)  # zero-copy on receive: a view of the zmq frame itself
    pixels = np.frombuffer(buf.data, dtype=buf.dtype).reshape(buf.shape)
    assert buf.shape == (1080, 1920, 4) and buf.data.nbytes == 1920 * 1080 * 4 * 2
    np.testing.assert_array_equal(pixels, half_frame_1080p)


def test_reply_copies_ids_and_names_the_reply_type(samples):
    node = Session()
    request = Session().message("job_status_request", {}, job_id="job-9", request_id="r-9")
    reply = node.reply(request.header, {"job": samples["job_status_reply"][0]["job"]})
    assert (reply.msg_type, reply.header.parent_id, reply.header.job_id, reply.header.request_id) == \
        ("job_status_reply", request.header.msg_id, "job-9", "r-9")
    assert reply.content["status"] == "ok" and not reply.is_error
    assert reply_type("heartbeat_request") == "heartbeat_reply" and reply_type("nope_request") == "error_reply"


def test_error_reply_carries_code_and_no_traceback(socket_pair):
    client, node = Session(), Session()
    request = client.message("cancel_job_request", {}, job_id="job-404")
    error = node.error_reply(request.header, "job_not_found", "JobNotFound", "no job job-404 on gpu-07")
    got = _send_and_receive(node, client, socket_pair, error)
    assert got.is_error and got.msg_type == "cancel_job_reply"
    assert got.content == {"status": "error", "code": "job_not_found", "ename": "JobNotFound",
                           "evalue": "no job job-404 on gpu-07", "details": {}, "traceback": None}


def test_error_reply_cuts_an_overlong_message():
    request = Session().message("heartbeat_request", {})
    error = Session().error_reply(request.header, "internal_error", "RuntimeError", "x" * 10_000)
    assert len(error.content["evalue"]) == 4096


def test_outgoing_content_is_checked_and_names_the_field(samples):
    session = Session()
    content, ids = samples["submit_job_request"]
    with pytest.raises(InvalidFieldError, match=r"content\.emotion\.intensity: expected a finite number in \[0.0, 1.5"):
        session.message("submit_job_request", {**content, "emotion": {"target": "happy", "intensity": 1.6}}, **ids)
    with pytest.raises(InvalidFieldError, match="either a target emotion .* or a reference clip"):
        session.message("submit_job_request", {**content, "emotion": {}}, **ids)
    with pytest.raises(InvalidFieldError, match=r"content\.emotion\.target: expected an emotion label"):
        session.message("submit_job_request", {**content, "emotion": {"target": {"happy": -1}}}, **ids)
    with pytest.raises(InvalidFieldError, match=r"content\.source\.frames\.last: expected a frame >= first"):
        session.message("submit_job_request", {**content, "source": {**content["source"],
                                                                      "frames": {"first": 5, "last": 1}}}, **ids)
    with pytest.raises(InvalidFieldError, match="needs a request_id"):
        session.message("submit_job_request", content)
    with pytest.raises(UnknownMessageTypeError):
        session.message("render_request", {})


def test_emotion_as_blend_keys_or_reference(samples):
    session = Session()
    content, ids = samples["submit_job_request"]
    blend = {"target": {"happy": 0.6, "surprised": 0.4}, "intensity": 1.2}
    got = session.message("submit_job_request", {**content, "emotion": blend}, **ids).content["emotion"]
    assert got["target"] == {"happy": 0.6, "surprised": 0.4} and got["ease"] == "smoothstep"
    keys = {"keys": [{"frame": 1001, "emotion": "sad"}, {"frame": 1010, "emotion": "happy", "transition": 8}]}
    got = session.message("submit_job_request", {**content, "emotion": keys}, **ids).content["emotion"]
    assert [(k["emotion"], k["intensity"], k["transition"]) for k in got["keys"]] == [("sad", 1.0, None),
                                                                                       ("happy", 1.0, 8)]
    reference = {"reference": {"path": "/refs/laugh.mov", "frames": {"first": 0, "last": 48}}, "intensity": 0.7}
    got = session.message("submit_job_request", {**content, "emotion": reference}, **ids).content["emotion"]
    assert got["reference"]["path"] == "/refs/laugh.mov" and got["target"] is None


def test_buffers_must_fit_their_message(samples):
    session = Session()
    pixels = np.zeros((4, 8, 4), np.float16)
    with pytest.raises(BufferMismatchError, match="carries no buffers"):
        session.message("heartbeat_request", {}, buffers=[make_buffer("x", "float16", pixels.shape, pixels)])
    with pytest.raises(BufferMismatchError, match="either a plate path or inline plate buffers"):
        session.message("frame_result", samples["frame_result"][0], job_id="job-1")
    with pytest.raises(BufferMismatchError, match="1 frames but carries 0 buffers"):
        session.message("frames_chunk_request", {"frames": [1]}, job_id="job-1")


def test_make_buffer_refuses_wrong_sizes_and_strided_arrays():
    pixels = np.zeros((4, 8, 4), np.float16)
    with pytest.raises(BufferMismatchError, match="needs 512 bytes, the frame has 256"):
        make_buffer("plate", "float32", (4, 8, 4), pixels)
    with pytest.raises(BufferMismatchError, match="not C-contiguous"):
        make_buffer("plate", "float16", (4, 4, 4), pixels[:, ::2])
    with pytest.raises(InvalidFieldError, match="dtype"):
        make_buffer("plate", "float64", (4, 8, 2), pixels)


def test_sender_refuses_what_the_peer_would_refuse(samples):
    session = Session(limits=Limits(max_buffer_bytes=100))
    pixels = np.zeros((4, 8, 4), np.float16)
    msg = session.message("frame_result", samples["frame_result"][0], job_id="job-1",
                          buffers=[make_buffer("plate", "float16", pixels.shape, pixels)])
    with pytest.raises(SizeLimitError, match="more than the limit of 100"):
        session.serialize(msg)
