"""The Resolve dialog (Fusion UIManager) against a strict UIManager fake; the Scripts-menu launch end to end."""

from __future__ import annotations

import os

import pytest
from fake_fusion_ui import Bmd, Fusion
from fake_resolve import Resolve
from ned_protocol.host_connection import NodeSettings
from ned_protocol.messages import EMOTIONS
from ned_resolve.dialog import ask
from ned_resolve.launch import launch
from ned_resolve.main import Choices


def test_render_returns_what_the_user_picked(monkeypatch):
    monkeypatch.setenv("NED_NODE", "tcp://render07:5570")
    seen = {}

    def look(user):
        items = user.window.GetItems()
        seen["emotions"] = list(items["Emotion"]._items)
        seen["node"], seen["intensity"] = items["Node"].Text, items["Intensity"].Value

    actions = [look, lambda u: u.choose("Emotion", "sad"), lambda u: u.set("Intensity", 0.6),
               lambda u: u.type("Reference", " /clips/ref.mov "), lambda u: u.type("Out", "/plates/out"),
               lambda u: u.type("ServerKey", "/keys/server.key"), lambda u: u.type("ClientKey", "/keys/me.key_secret"),
               lambda u: u.click("Render")]
    choices = ask(Fusion(), Bmd(actions))
    assert seen == {"emotions": list(EMOTIONS), "node": "tcp://render07:5570", "intensity": 1.0}
    assert choices == Choices(emotion="sad", intensity=0.6, reference="/clips/ref.mov", output_dir="/plates/out",
                              node=NodeSettings("tcp://render07:5570", "", "/keys/server.key", "/keys/me.key_secret"))


def test_unit_overrides_are_read_and_a_bad_one_keeps_the_dialog_open():
    def look(user):
        assert user.window.GetItems()["Status"].Text.startswith(
            "unit overrides: emotion unit 'brow_up' is not a unit; valid units: blink, ")

    actions = [lambda u: u.type("Units", "brow_inner_up=-0.5, brow_up=1"), lambda u: u.click("Render"), look,
               lambda u: u.type("Units", "brow_inner_up=-0.5, jaw_open=2"), lambda u: u.click("Render"),
               lambda u: u.type("Units", " brow_inner_up=-0.5,  lip_corner_depress_L=1.2 "),
               lambda u: u.click("Render")]
    choices = ask(Fusion(), Bmd(actions))
    assert choices.units == (("brow_inner_up", -0.5), ("lip_corner_depress_L", 1.2))
    assert ask(Fusion(), Bmd([lambda u: u.click("Render")])).units == ()


def test_intensity_is_held_to_the_spin_box_range():
    choices = ask(Fusion(), Bmd([lambda u: u.set("Intensity", 3.0), lambda u: u.click("Render")]))
    assert choices.intensity == 1.5 and choices.emotion == EMOTIONS[0]


@pytest.mark.parametrize("leave", [lambda u: u.click("Cancel"), lambda u: u.close()])
def test_cancel_or_closing_the_window_returns_nothing(leave):
    assert ask(Fusion(), Bmd([lambda u: u.choose("Emotion", "angry"), leave])) is None


def test_the_scripts_menu_entry_renders_what_the_dialog_says_and_places_the_plates(real_node, shot_dir, tmp_path):
    node, _, out = real_node
    resolve = Resolve.with_shot(str(shot_dir / "plate.[1001-1005].png"), 1001, 1005, record_start=86400,
                                source_offset=2, duration=2, version="18.2.1")
    actions = [lambda u: u.choose("Emotion", "surprised"), lambda u: u.type("Out", str(out / tmp_path.name)),
               lambda u: u.type("Node", node.address), lambda u: u.type("Units", "jaw_open=0.25"),
               lambda u: u.click("Render")]
    # as Resolve runs a Scripts-menu entry: resolve, fusion and bmd are globals of the script
    assert launch({"resolve": resolve, "fusion": Fusion(), "bmd": Bmd(actions)}) == 0
    assert sorted(os.listdir(out / tmp_path.name)) == ["plate_ned.1003.exr", "plate_ned.1004.exr"]
    import json

    import OpenImageIO as oiio

    spec = oiio.ImageInput.open(str(out / tmp_path.name / "plate_ned.1003.exr")).spec()
    keys = json.loads(spec.get_string_attribute("ned/emotion_keys"))["keys"]
    assert [k["units"] for k in keys] == [{"jaw_open": 0.25}]  # the override reached the node
    placed = resolve.GetProjectManager().GetCurrentProject().GetCurrentTimeline().GetItemListInTrack("video", 2)
    assert [(item.GetStart(), item.GetDuration()) for item in placed] == [(86400, 2)]
    assert launch({"resolve": resolve, "fusion": Fusion(), "bmd": Bmd([lambda u: u.close()])}) == 1


REPLY = {"tracks": [{"id": 0, "shot": 0, "first_frame": 1, "last_frame": 9, "frames_with_face": 9, "box": [0, 0, 9, 9]},
                    {"id": 1, "shot": 1, "first_frame": 12, "last_frame": 20, "frames_with_face": 9,
                     "box": [0, 0, 9, 9]}],
         "default_track": 0, "frames": 20, "width": 64, "height": 64,
         "characters": [{"id": 0, "tracks": [0, 1], "frames": "1-9,12-20", "first_frame": 1, "last_frame": 20,
                         "frames_with_face": 18, "face": {"frame": 5, "box": [0, 0, 9, 9]}}]}


def test_analyse_offers_all_faces_the_characters_and_the_tracks():
    asked = []

    def analyse(node):
        asked.append(node.address)
        return REPLY

    def look(user):
        items = user.window.GetItems()
        assert items["Face"]._items == ["largest", "all faces", "character 0: tracks 0, 1 (1-9,12-20)",
                                        "0: frames 1-9 (9)", "1: frames 12-20 (9)"]
        assert items["Status"].Text == "2 face track(s), 1 character(s)"

    actions = [lambda u: u.type("Node", "tcp://render07:5570"), lambda u: u.click("Analyse"), look,
               lambda u: u.choose("Face", "character 0: tracks 0, 1 (1-9,12-20)"), lambda u: u.click("Render")]
    choices = ask(Fusion(), Bmd(actions), analyse)
    assert asked == ["tcp://render07:5570"] and choices.face == "character 0: tracks 0, 1 (1-9,12-20)"


def test_a_failed_analysis_keeps_largest_and_says_why():
    from ned_protocol import NodeTimeoutError

    def analyse(node):
        raise NodeTimeoutError("no answer from tcp://x:1 within 3 s")

    def look(user):
        assert user.window.GetItems()["Status"].Text == "analysis failed: no answer from tcp://x:1 within 3 s"

    choices = ask(Fusion(), Bmd([lambda u: u.click("Analyse"), look, lambda u: u.click("Render")]), analyse)
    assert choices.face == "largest"


def test_analyse_shows_each_characters_face_from_a_real_node(real_node, shot_dir):
    node, _, _ = real_node
    resolve = Resolve.with_shot(str(shot_dir / "plate.[1001-1005].png"), 1001, 1005, record_start=0,
                                source_offset=0, duration=3)
    seen = {}

    def look(user):
        label = user.window.GetItems()["Characters"]
        seen["images"], seen["text"] = label.shown_images(), label.Text

    actions = [lambda u: u.type("Node", node.address), lambda u: u.click("Analyse"), look, lambda u: u.close()]
    assert launch({"resolve": resolve, "fusion": Fusion(), "bmd": Bmd(actions)}) == 1
    (image,) = seen["images"]  # one person in the shot: one face, 64 px, read from a file Qt can load
    assert image["pixels"] is not None and image["pixels"].shape[:2] == (image["height"], image["width"]) == (64, 64)
    assert "character 0" in seen["text"] and "1001-1005" in seen["text"]
