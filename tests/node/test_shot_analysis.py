"""analyze_shot_request against a real node subprocess: a two-face shot's tracks, confinement, the shared cache."""

from __future__ import annotations

import pytest

from node_helpers import write_shot, write_two_faces
from ned_protocol import NodeClient, RemoteError


@pytest.fixture(scope="module")
def analysing_node(tmp_path_factory):
    """``(node, input_root, two-face shot pattern)``."""
    from node_helpers import NodeFactory

    tmp = tmp_path_factory.mktemp("analyse")
    inp = (tmp / "in").resolve()
    shot = write_two_faces(inp / "sh020", range(1001, 1004))
    factory = NodeFactory(tmp)
    node = factory.start(input_roots=[inp], output_roots=[(tmp / "out").resolve()])
    yield node, inp, shot
    factory.close()


def test_two_faces_give_two_tracks_and_the_larger_as_default(analysing_node):
    node, _, shot = analysing_node
    with NodeClient(node.address) as client:
        result = client.analyze_shot({"path": shot}, frames={"first": 1001, "last": 1003}, timeout_s=120)
    assert (result["frames"], result["width"], result["height"]) == (3, 474, 256)
    tracks = {t["id"]: t for t in result["tracks"]}
    assert len(tracks) == 2
    for track in tracks.values():
        assert (track["first_frame"], track["last_frame"], track["frames_with_face"]) == (1001, 1003, 3)
    centres = {tid: (t["box"][0] + t["box"][2]) / 2 for tid, t in tracks.items()}
    left, right = sorted(tracks, key=centres.get)
    assert centres[left] < 256 < centres[right]  # astronaut (left photo), Grace Hopper (right photo)
    area = {tid: (t["box"][2] - t["box"][0]) * (t["box"][3] - t["box"][1]) for tid, t in tracks.items()}
    assert result["default_track"] == max(area, key=area.get) == right
    # two people: one character each, shown by a face of their own track (since protocol 1.2)
    characters = {c["id"]: c for c in result["characters"]}
    assert sorted(t for c in characters.values() for t in c["tracks"]) == sorted(tracks)
    assert len(characters) == 2 and result["characters_note"] is None
    for c in characters.values():
        (tid,) = c["tracks"]
        assert c["frames"] == "1001-1003" and c["face"]["frame"] in (1001, 1002, 1003)
        box = c["face"]["box"]
        assert abs((box[0] + box[2]) / 2 - centres[tid]) < 10
        _assert_thumbnail_shows(c["thumbnail"], shot, c["face"])
    cached = sorted((node.state_dir / "analysis-cache").rglob("*.npz"))
    # one analysis, which a later render of these frames reuses, and the descriptors of its tracks
    assert len(cached) == 2 and sum(p.name.endswith(".identities.npz") for p in cached) == 1
    with NodeClient(node.address) as client:  # the whole shot (frames null) is the same three frames
        assert client.analyze_shot({"kind": "path", "path": shot}, timeout_s=120) == result
    assert sorted((node.state_dir / "analysis-cache").rglob("*.npz")) == cached


def _assert_thumbnail_shows(thumbnail, shot, face):
    """A 1.4 thumbnail is a real JPEG, at most 64 px a side, that looks like the face at its frame and box."""
    import cv2
    import numpy as np

    assert max(thumbnail["width"], thumbnail["height"]) == 64 and thumbnail["jpeg"][:2] == b"\xff\xd8"
    image = cv2.imdecode(np.frombuffer(thumbnail["jpeg"], np.uint8), cv2.IMREAD_COLOR)
    assert image.shape == (thumbnail["height"], thumbnail["width"], 3)
    frame = cv2.imread(shot.replace("####", str(face["frame"])), cv2.IMREAD_COLOR)
    x0, y0, x1, y1 = (int(round(v)) for v in face["box"])
    crop = cv2.resize(frame[max(y0, 0):y1, max(x0, 0):x1], (64, 64), interpolation=cv2.INTER_AREA)
    other = cv2.resize(frame, (64, 64), interpolation=cv2.INTER_AREA)
    # the chip is aligned (rotated, margins), so compare colour statistics: its face, not the whole frame
    diff = lambda a: float(np.abs(a.reshape(-1, 3).mean(0) - image.reshape(-1, 3).mean(0)).mean())
    assert diff(crop) < diff(other) and diff(crop) < 25


def test_a_1_3_client_gets_the_1_3_reply_without_buffers(analysing_node):
    """Old clients are unaffected: a 1.3 host refuses a reply that carries buffers, so it gets none."""
    from ned_protocol import Session
    from ned_protocol.connection import Connection

    node, _, shot = analysing_node
    old = Session(version=(1, 3))
    connection = Connection(node.address, old)
    try:
        reply = connection.request("analyze_shot_request", {"source": {"path": shot}}, timeout_s=120, retries=0)
    finally:
        connection.close()
    assert reply.buffers == () and len(reply.content["characters"]) == 2
    assert all(c["thumbnail"] is None for c in reply.content["characters"])


def test_a_path_outside_the_input_roots_is_refused_unread(analysing_node, tmp_path):
    node, _, _ = analysing_node
    outside = write_shot(tmp_path / "elsewhere", range(1, 3), size=32)
    with NodeClient(node.address) as client:
        with pytest.raises(RemoteError) as caught:
            client.analyze_shot({"path": outside})
        assert caught.value.code == "invalid_field" and caught.value.ename == "PathNotAllowedError"
        assert "outside the node's input roots" in caught.value.evalue
        assert caught.value.details["field"] == "content.source.path"
        assert client.heartbeat()["jobs_running"] == 0  # the node keeps serving


def test_a_missing_shot_is_a_source_error(analysing_node):
    node, inp, _ = analysing_node
    with NodeClient(node.address) as client:
        with pytest.raises(RemoteError) as caught:
            client.analyze_shot({"path": str(inp / "nothing" / "shot.####.exr")})
    assert caught.value.code == "source_error"
