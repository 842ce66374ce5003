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
    cached = list((node.state_dir / "analysis-cache").rglob("*.npz"))
    assert len(cached) == 1  # a later render of these frames reuses this analysis
    with NodeClient(node.address) as client:  # the whole shot (frames null) is the same three frames
        assert client.analyze_shot({"kind": "path", "path": shot}, timeout_s=120) == result
    assert list((node.state_dir / "analysis-cache").rglob("*.npz")) == cached


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
