"""Replies larger than a limit: the sender refuses them naming the field, a receiver tells the waiting request why
(never a silent drop that surfaces as a timeout blaming the key), and big replies within the limits get through."""

from __future__ import annotations

import threading
import time

import msgpack
import pytest
import zmq

from ned_protocol import Limits, NodeClient, RemoteError, Session, SizeLimitError
from ned_protocol.sockets import make_router

SHOT = {"tracks": [], "default_track": None, "frames": 10, "width": 64, "height": 64}
REQUEST = {"source": {"path": "/shots/a.mov"}}
#: 3000 characters pass the schema (at most 4096 characters) but are 6000 bytes of UTF-8: more than max_str_len.
ACCENTS = "é" * 3000


class RawNode:
    """A ROUTER answering each request with ``answer(session, request) -> frames`` (packed by hand if need be)."""

    def __init__(self, context, answer):
        self.router = make_router(context, "tcp://127.0.0.1:*", Limits(max_str_len=1 << 20))
        self.address = self.router.last_endpoint.decode()
        self.session = Session(limits=Limits(max_str_len=1 << 20))
        self.answer, self.stop = answer, threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stop.is_set():
            if self.router.poll(10):
                identity, *frames = self.router.recv_multipart()
                request = self.session.deserialize(frames)
                self.router.send_multipart([identity, *self.answer(self.session, request)])
        self.router.close(linger=0)


@pytest.fixture()
def raw_node(context):
    started = []

    def start(answer):
        started.append(RawNode(context, answer))
        return started[-1]

    yield start
    for node in started:
        node.stop.set()
        node.thread.join(5)


def test_sender_refuses_a_string_the_peer_would_refuse_and_names_the_field():
    node, client = Session(), Session()
    request = client.message("analyze_shot_request", REQUEST)
    reply = node.reply(request.header, {**SHOT, "characters_note": ACCENTS})
    with pytest.raises(SizeLimitError, match=r"analyze_shot_reply too large.*content\.characters_note.*6000 bytes.*4096"):
        node.serialize(reply)


def test_a_reply_over_the_clients_limit_fails_fast_with_the_reason_not_a_timeout(raw_node, context):
    def answer(session, request):  # a peer with larger limits than the client's (an older client, say)
        return session.serialize(session.reply(request.header, {**SHOT, "characters_note": ACCENTS}))

    node = raw_node(answer)
    with NodeClient(node.address, context=context, timeout_s=6, retries=0) as client:
        start = time.monotonic()
        with pytest.raises(SizeLimitError, match="analyze_shot_reply from the peer exceeds this end's limits.*max_str_len"):
            client.analyze_shot(REQUEST["source"], timeout_s=6)
        assert time.monotonic() - start < 3  # not the 6 s timeout with its misleading key hint


def test_an_error_sent_instead_of_an_oversized_reply_reaches_the_client(raw_node, context):
    def answer(session, request):
        reply = session.reply(request.header, {**SHOT, "characters_note": ACCENTS})
        try:
            Session().serialize(reply)  # what a node with default limits does before sending
        except SizeLimitError as exc:
            return session.serialize(session.error_instead(reply, exc))
        raise AssertionError("the oversized reply was not refused")

    node = raw_node(answer)
    with NodeClient(node.address, context=context, timeout_s=6, retries=0) as client:
        with pytest.raises(RemoteError) as caught:
            client.analyze_shot(REQUEST["source"], timeout_s=6)
    assert caught.value.code == "too_large" and "content.characters_note" in str(caught.value)


def test_a_reply_near_the_header_limit_gets_through(raw_node, context):
    track = {"id": 0, "shot": 0, "first_frame": 1, "last_frame": 9, "frames_with_face": 9, "box": [1.0, 2.0, 3.0, 4.0]}
    character = {"id": 0, "tracks": [0], "frames": ",".join(str(f) for f in range(1, 2000, 2))[:4000],
                 "first_frame": 1, "last_frame": 9, "frames_with_face": 9, "face": {"frame": 1, "box": [1.0, 2.0, 3.0, 4.0]}}
    big = {**SHOT, "tracks": [{**track, "id": i} for i in range(1000)],
           "characters": [{**character, "id": i} for i in range(200)]}  # ~0.85 MiB: near max_header_bytes

    def answer(session, request):
        return Session().serialize(session.reply(request.header, big))

    node = raw_node(answer)
    with NodeClient(node.address, context=context, timeout_s=10, retries=0) as client:
        got = client.analyze_shot(REQUEST["source"], timeout_s=10)
    assert len(got["tracks"]) == 1000 and got["characters"][199]["frames"] == big["characters"][199]["frames"]


def test_a_header_that_cannot_even_be_read_is_still_refused_as_too_large():
    frames = [b"", msgpack.packb({"version": [1, 4], "pad": "x" * 5000})]
    with pytest.raises(SizeLimitError) as caught:
        Session().deserialize(frames)
    assert caught.value.header is None


def test_a_long_non_ascii_error_message_is_cut_to_what_a_peer_accepts():
    node, client = Session(), Session()
    request = client.message("analyze_shot_request", REQUEST)
    error = node.error_reply(request.header, "source_error", "PlateError", "/plates/é" + "é" * 4000 + " missing")
    got = client.deserialize(node.serialize(error)).content["evalue"]
    assert got.startswith("/plates/éé") and len(got.encode("utf-8")) <= 4096
