"""Building the NED Group in (fake) Nuke: knobs, defaults, internal comp graph, strictness of the fake."""

from __future__ import annotations

import pytest
from ned_protocol.messages import EMOTIONS


def test_menu_and_callbacks_are_registered(nuke):
    import ned_nuke.callbacks as callbacks

    callbacks.register_callbacks(nuke)
    callbacks.register_menu(nuke)
    command = nuke.menus["Nodes"].commands[callbacks.MENU_ENTRY]
    exec(command, {"nuke": nuke})
    assert nuke.toNode("NED1") is not None


def test_the_node_has_every_knob_with_defaults(nuke, monkeypatch):
    monkeypatch.setenv("NED_NODE", "tcp://render07:5570")
    from ned_nuke.node_builder import create_ned_node, is_ned_node

    group = create_ned_node()
    assert is_ned_node(group) and group.name() == "NED1"
    assert group["node_address"].value() == "tcp://render07:5570"
    assert sorted(group["emotion"].values()) == sorted(EMOTIONS)
    assert group["emotion"].value() == "happy" and group["intensity"].value() == 1.0
    assert group["face_track"].value() == "largest" and group["use_input_range"].value() is True
    assert group["compression"].value() == "dwaa:45" and group["full_frame"].value() is False
    for name in ("key_file", "server_key", "client_key", "reference", "blend_emotion", "blend", "seed",
                 "output_dir", "analyse", "render", "cancel", "status", "first", "last"):
        assert group.knob(name) is not None, name
    assert create_ned_node().name() == "NED2"


def test_output_pulldown_switches_between_comp_plate_and_mask(nuke):
    from ned_nuke.node_builder import SWITCH, create_ned_node

    group = create_ned_node()
    switch = group.node(SWITCH)
    seen = []
    for choice in ("comp", "plate", "mask"):
        group["output"].setValue(choice)
        seen.append(switch.input(int(switch["which"].value())).name())
    assert seen == ["FaceOver", "PlateRead", "FaceMask"]
    merge = group.node("FaceOver")
    assert merge["maskChannelInput"].value() == "facemask.alpha"
    assert merge.input(0).name() == "Input1" and merge.input(1).name() == merge.input(2).name() == "PlateRead"


@pytest.mark.parametrize("version", [14, 15, 16, 17])
def test_the_mask_output_is_a_shuffle2_of_a_facemask_layer_the_node_creates(nuke, version):
    """Nuke 17 has no legacy Shuffle; channel knobs accept only layers Nuke knows (Shuffle2 since Nuke 12.1)."""
    from ned_nuke.node_builder import MASK_SHUFFLE, MERGE, create_ned_node

    nuke.reset(gui=True, version=version)
    assert "facemask" not in nuke.layers()
    group = create_ned_node()
    assert nuke.Layer("facemask").channels() == ["facemask.alpha"]
    mask = group.node(MASK_SHUFFLE)
    assert mask.Class() == "Shuffle2" and (mask["in1"].value(), mask["out1"].value()) == ("facemask", "rgba")
    assert mask["mappings"].value() == [(0, "facemask.alpha", f"rgba.{c}") for c in ("red", "green", "blue", "alpha")]
    assert group.node(MERGE)["maskChannelInput"].value() == "facemask.alpha"
    create_ned_node()  # the layer exists now: a second node reuses it
    assert nuke.layers().count("facemask") == 1


def test_knob_values_a_render_cannot_use_are_refused_naming_the_knob(nuke, tmp_path):
    from ned_nuke.errors import SettingsError
    from ned_nuke.node_builder import create_ned_node
    from ned_nuke.settings import read_settings

    group = create_ned_node()
    group["use_input_range"].setValue(False)
    group["first"].setValue(1010)
    group["last"].setValue(1001)
    with pytest.raises(SettingsError, match="'first' <= 'last'"):
        read_settings(group)
    group["first"].setValue(1001)
    group["last"].setValue(1010)
    with pytest.raises(SettingsError, match="'output directory'"):
        read_settings(group)
    group["output_dir"].setValue(str(tmp_path))
    group["blend_emotion"].setValue("sad")
    group["blend"].setValue(1.7)  # the slider goes past 1: a full blend, not an extrapolation
    settings = read_settings(group)
    assert settings.emotion["target"] == "sad" and (settings.first, settings.last) == (1001, 1010)
    with pytest.raises(SettingsError, match="frames 990-1001 lie outside its range 1001-1010"):
        read_settings(group, 990, 1001)
