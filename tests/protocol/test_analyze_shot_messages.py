"""Protocol 1.1's analyze_shot messages (1.2: characters, face_track "all"/"character"; 1.4: thumbnails): defaults,
checks, and older peers upgraded without change."""

from __future__ import annotations

import time
import uuid

import msgpack
import pytest

from ned_protocol import PROTOCOL_VERSION, InvalidFieldError, Session
from ned_protocol.adapters import MINOR_UPGRADES


def _wire(version, msg_type, content) -> list:
    header = {"version": list(version), "msg_type": msg_type, "msg_id": uuid.uuid4().hex, "session": "peer",
              "timestamp": time.time(), "request_id": None, "job_id": None, "parent_id": None,
              "content": content, "buffers": []}
    return [b"", msgpack.packb(header, use_bin_type=True)]


def test_request_defaults_to_the_whole_shot():
    sender, receiver = Session(), Session()
    sent = sender.message("analyze_shot_request", {"source": {"path": "/shows/sh010/plate.####.exr"}})
    got = receiver.deserialize(sender.serialize(sent))
    assert got.content == {"source": {"path": "/shows/sh010/plate.####.exr", "frames": None, "colorspace": None,
                                      "start_frame": None}}


def test_reply_round_trips_tracks_and_a_missing_default():
    node, client = Session(), Session()
    request = client.message("analyze_shot_request", {"source": {"path": "/s/a.mov", "start_frame": 1001}})
    track = {"id": 3, "shot": 1, "first_frame": 1010, "last_frame": 1020, "frames_with_face": 9,
             "box": [10.0, 20.5, 110.0, 140.25]}
    reply = node.reply(request.header, {"tracks": [track], "default_track": 3, "frames": 20, "width": 640,
                                        "height": 360})
    got = client.deserialize(node.serialize(reply))
    assert got.msg_type == "analyze_shot_reply" and got.header.parent_id == request.header.msg_id
    assert got.content["tracks"] == [track] and got.content["default_track"] == 3
    empty = node.reply(request.header, {"tracks": [], "default_track": None, "frames": 5, "width": 64, "height": 64})
    assert client.deserialize(node.serialize(empty)).content["default_track"] is None


def test_a_box_needs_four_numbers():
    with pytest.raises(InvalidFieldError) as caught:
        Session().deserialize(_wire(PROTOCOL_VERSION, "analyze_shot_reply", {
            "status": "ok", "tracks": [{"id": 0, "shot": 0, "first_frame": 1, "last_frame": 2,
                                        "frames_with_face": 2, "box": [1.0, 2.0]}],
            "default_track": 0, "frames": 2, "width": 8, "height": 8}))
    assert caught.value.details == {"field": "content.tracks[0].box"}


def test_a_1_0_peer_is_understood_unchanged_by_1_1():
    assert PROTOCOL_VERSION == (1, 4) and set(MINOR_UPGRADES) == {0, 1, 2, 3}
    content = {"client": "nuke 15 / ned 0.1", "versions": [[1, 0]]}
    msg = Session().deserialize(_wire((1, 0), "hello_request", content))
    assert msg.content == content and msg.header.version == (1, 0)


CHARACTER = {"id": 0, "tracks": [0, 4], "frames": "1001-1040,1100-1150", "first_frame": 1001, "last_frame": 1150,
             "frames_with_face": 91, "face": {"frame": 1020, "box": [10.0, 20.0, 110.0, 140.0]}}


def test_1_2_reply_carries_characters_and_a_1_1_reply_reads_as_none():
    node, client = Session(), Session()
    request = client.message("analyze_shot_request", {"source": {"path": "/s/a.mov"}})
    reply = node.reply(request.header, {"tracks": [], "default_track": None, "characters": [CHARACTER],
                                        "frames": 20, "width": 640, "height": 360})
    got = client.deserialize(node.serialize(reply)).content
    assert got["characters"] == [{**CHARACTER, "thumbnail": None}] and got["characters_note"] is None
    old = Session().deserialize(_wire((1, 1), "analyze_shot_reply", {
        "status": "ok", "tracks": [], "default_track": None, "frames": 2, "width": 8, "height": 8}))
    assert old.content["characters"] == [] and old.header.version == (1, 1)


def test_a_1_1_face_track_is_understood_unchanged():
    content = {"face_track": {"select": "track", "track_id": 2}}
    from ned_protocol.messages import FACE_TRACK

    assert FACE_TRACK.check(content["face_track"], "content.face_track") == {
        "select": "track", "track_id": 2, "boxes": [], "character_id": None, "character_edits": None}


@pytest.mark.parametrize("face_track, field", [
    ({"select": "character"}, "content.face_track.character_id"),
    ({"select": "character", "character_id": 1, "character_edits": {"merge": [[0, -1]]}},
     "content.face_track.character_edits.merge[0][1]"),
    ({"select": "everyone"}, "content.face_track.select"),
])
def test_bad_face_choices_name_the_field(face_track, field):
    from ned_protocol.messages import FACE_TRACK

    with pytest.raises(InvalidFieldError) as caught:
        FACE_TRACK.check(face_track, "content.face_track")
    assert caught.value.details["field"] == field


def _jpeg(seed: int) -> bytes:
    return bytes([0xFF, 0xD8, seed, 1, 2, 3, 0xFF, 0xD9])


def test_1_4_reply_carries_thumbnails_in_one_buffer_and_the_client_gets_the_jpeg_bytes():
    from ned_protocol.thumbnails import pack_thumbnails, read_thumbnails

    node, client = Session(), Session()
    request = client.message("analyze_shot_request", {"source": {"path": "/s/a.mov"}})
    characters, buffer = pack_thumbnails([CHARACTER, {**CHARACTER, "id": 1}, {**CHARACTER, "id": 2}],
                                         {0: (_jpeg(7), 64, 64), 2: (_jpeg(9), 48, 64)})
    reply = node.reply(request.header, {"tracks": [], "default_track": None, "characters": characters,
                                        "frames": 20, "width": 640, "height": 360}, buffers=[buffer])
    got = client.deserialize(node.serialize(reply))
    content = read_thumbnails(got.content, got.buffers)
    thumbs = [c["thumbnail"] for c in content["characters"]]
    assert thumbs[0] == {"offset": 0, "size": 8, "width": 64, "height": 64, "jpeg": _jpeg(7)}
    assert thumbs[1] is None and thumbs[2]["jpeg"] == _jpeg(9) and (thumbs[2]["width"], thumbs[2]["height"]) == (48, 64)


@pytest.mark.parametrize("case", ["no-buffer", "stray-buffer", "outside", "wrong-dtype"])
def test_thumbnails_and_their_buffer_must_agree(case):
    from ned_protocol import BufferMismatchError, make_buffer

    placed = {**CHARACTER, "thumbnail": {"offset": 4, "size": 8, "width": 64, "height": 64}}
    characters, buffers = [placed], [make_buffer("thumbnails", "uint8", (12,), bytes(12))]
    if case == "no-buffer":
        buffers = []
    elif case == "stray-buffer":
        characters = [CHARACTER]
    elif case == "outside":
        buffers = [make_buffer("thumbnails", "uint8", (11,), bytes(11))]
    else:
        buffers = [make_buffer("thumbnails", "uint16", (6,), bytes(12))]
    request = Session().message("analyze_shot_request", {"source": {"path": "/s/a.mov"}})
    with pytest.raises(BufferMismatchError):
        Session().reply(request.header, {"tracks": [], "default_track": None, "characters": characters,
                                         "frames": 2, "width": 8, "height": 8}, buffers=buffers)

