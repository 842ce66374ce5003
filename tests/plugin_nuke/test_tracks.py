"""The Analyse button in (fake) Nuke against a real render node: the face-track list filled from its analysis."""

from __future__ import annotations

import time

import pytest

from node_helpers import write_two_faces


def _group_over(nuke, pattern: str, address: str):
    from ned_nuke.node_builder import create_ned_node

    read = nuke.nodes.Read(file=pattern, first=1001, last=1003)
    group = create_ned_node()
    group.setInput(0, read)
    group["node_address"].setValue(address)
    return group


def _analyse_ui(nuke, group, timeout: float = 120.0) -> None:
    """Presses Analyse and runs Nuke's event loop until the background request ended and its update ran."""
    group["analyse"].execute()
    deadline = time.monotonic() + timeout
    while nuke.run_main_thread_tasks() == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert time.monotonic() < deadline, "the analysis did not come back"


def test_analyse_fills_the_track_list_and_keeps_the_choice(nuke, real_node, tmp_path):
    from ned_nuke.settings import read_settings

    node, inp, out = real_node
    group = _group_over(nuke, write_two_faces(inp / tmp_path.name, range(1001, 1004)), node.address)
    assert group["face_track"].values() == ["largest"]
    _analyse_ui(nuke, group)
    items = group["face_track"].values()
    assert items == ["largest", "all faces", "character 0: tracks 0 (1001-1003)",
                     "character 1: tracks 1 (1001-1003)", "0: frames 1001-1003 (3)", "1: frames 1001-1003 (3)"]
    assert group["face_track"].value() == "largest"
    assert group["status"].value() == "2 face track(s), 2 character(s) in 3 frames; largest = track 0"
    # protocol 1.4: each character's face shown over its name
    shown = group["characters"].shown_images()
    assert len(shown) == 2 and all(image["pixels"] is not None for image in shown)
    assert all(image["pixels"].shape[:2] == (image["height"], image["width"]) == (64, 64) for image in shown)
    assert shown[0]["path"] != shown[1]["path"]
    text = group["characters"].value()
    assert text.index(shown[0]["path"]) < text.index("character 0") < text.index(shown[1]["path"]) < \
        text.index("character 1")
    group["face_track"].setValue(items[5])
    _analyse_ui(nuke, group)
    assert group["face_track"].value() == "1: frames 1001-1003 (3)"  # still a track of the shot: kept
    group["output_dir"].setValue(str(out / tmp_path.name))
    assert read_settings(group).face_track == {"select": "track", "track_id": 1}
    for item, choice in ((items[1], {"select": "all"}), (items[3], {"select": "character", "character_id": 1})):
        group["face_track"].setValue(item)
        assert read_settings(group).face_track == choice


def test_terminal_mode_analyses_synchronously_and_raises_on_refusal(nuke, real_node, tmp_path):
    from ned_nuke.errors import AnalysisError
    from ned_nuke.tracks import analyse_tracks

    node, inp, _ = real_node
    nuke.reset(gui=False)
    group = _group_over(nuke, write_two_faces(inp / tmp_path.name, range(1001, 1004)), node.address)
    assert analyse_tracks(group) is None
    assert len(group["face_track"].values()) == 6 and group["face_track"].value() == "largest"
    outside = _group_over(nuke, write_two_faces(tmp_path / "not_shared", range(1001, 1004)), node.address)
    with pytest.raises(AnalysisError, match="outside the node's input roots"):
        analyse_tracks(outside)
    assert outside["status"].value().startswith("analysis failed:")
    assert outside["face_track"].values() == ["largest"]
