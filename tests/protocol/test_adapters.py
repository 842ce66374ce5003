"""Version negotiation: majors must match (structured version_mismatch), older minors are upgraded."""

from __future__ import annotations

import time
import uuid

import msgpack
import pytest
import zmq

from ned_protocol import PROTOCOL_VERSION, InvalidFieldError, NodeClient, Session, VersionMismatchError
from ned_protocol.signing import Signer


def _raw_request(version, msg_type, content, key=None) -> list:
    """Frames of a message exactly as an old (or future) peer would build it, bypassing this end's schema."""
    header = {"version": list(version), "msg_type": msg_type, "msg_id": uuid.uuid4().hex, "session": "old-client",
              "timestamp": time.time(), "request_id": None, "job_id": None, "parent_id": None,
              "content": content, "buffers": []}
    packed = msgpack.packb(header, use_bin_type=True)
    return [Signer(key).sign(packed, []), packed]


def test_old_major_request_gets_a_version_mismatch_reply_over_the_wire(peer, context):
    node = peer(key=b"k")
    dealer = context.socket(zmq.DEALER)
    dealer.connect(node.address)
    old = Session(b"k", version=(0, 9))
    request = old.message("hello_request", {"client": "nuke plugin 0.9", "versions": [[0, 9]]})
    old.send(dealer, request)
    assert dealer.poll(5000), "the node did not answer the old client"
    frames = dealer.recv_multipart(copy=False)
    with pytest.raises(VersionMismatchError, match="upgrade this end .* to protocol 1.x") as caught:
        old.deserialize(frames)  # the old client cannot read 1.x content, but learns why
    assert caught.value.header.parent_id == request.header.msg_id
    reply = Session(b"k").deserialize(frames)  # what the reply says, read by a current peer
    assert reply.is_error and reply.msg_type == "hello_reply"
    assert reply.content["code"] == "version_mismatch" and reply.content["traceback"] is None
    assert "upgrade the sender of the message" in reply.content["evalue"]
    assert reply.content["details"] == {"remote": [0, 9], "local": list(PROTOCOL_VERSION),
                                        "supported": [list(PROTOCOL_VERSION)]}
    dealer.close(linger=0)


def test_client_facing_a_newer_major_node_raises_a_clear_error(peer, context):
    node = peer(version=(PROTOCOL_VERSION[0] + 1, 0))
    with NodeClient(node.address, context=context, timeout_s=2) as client:
        with pytest.raises(VersionMismatchError, match=f"upgrade this end .* to protocol {PROTOCOL_VERSION[0] + 1}.x"):
            client.hello()


def _rename_client_name(wire: dict) -> dict:
    """Test adapter: pretend protocol 1.0's hello_request called the field ``client_name``."""
    if wire["msg_type"] == "hello_request":
        wire["content"]["client"] = wire["content"].pop("client_name")
    return wire


def test_older_minor_message_is_upgraded_by_its_adapter():
    node = Session(version=(1, 1), upgrades={0: _rename_client_name})
    msg = node.deserialize(_raw_request((1, 0), "hello_request", {"client_name": "resolve 19", "versions": [[1, 0]]}))
    assert msg.content == {"client": "resolve 19", "versions": [[1, 0]]}
    assert msg.header.version == (1, 0)  # who sent it stays visible


def test_older_minor_without_an_upgrade_step_is_a_version_mismatch():
    node = Session(version=(1, 2), upgrades={1: _rename_client_name})
    with pytest.raises(VersionMismatchError, match="cannot upgrade protocol 1.0 messages to 1.1") as caught:
        node.deserialize(_raw_request((1, 0), "hello_request", {"client_name": "x", "versions": [[1, 0]]}))
    assert caught.value.header is not None  # so the node can answer it


def test_newer_minor_message_is_accepted_and_its_new_fields_ignored():
    content = {"client": "nuke 16", "versions": [[1, 7]], "gpu_hint": "cuda:1"}
    msg = Session().deserialize(_raw_request((1, 7), "hello_request", content))
    assert msg.content == {"client": "nuke 16", "versions": [[1, 7]]}


def test_a_field_missing_from_an_unknown_minor_is_still_invalid():
    with pytest.raises(InvalidFieldError, match="missing required field 'versions'") as caught:
        Session().deserialize(_raw_request((1, 7), "hello_request", {"client": "x"}))
    assert caught.value.details == {"field": "content.versions"}
