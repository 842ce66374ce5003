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


def test_unit_knobs_become_overrides_static_or_keyed(nuke, tmp_path):
    """The units tab: only switched-on units are sent; a constant value is static, an animated one keys."""
    from ned_nuke.errors import SettingsError
    from ned_nuke.node_builder import create_ned_node
    from ned_nuke.settings import read_settings
    from ned_protocol.messages import UNITS

    group = create_ned_node()
    assert all(group[f"unit_{u}"].range == (-1.5, 1.5) and group[f"unit_{u}_on"].value() is False for u in UNITS)
    group["use_input_range"].setValue(False)
    group["first"].setValue(1001)
    group["last"].setValue(1003)
    group["output_dir"].setValue(str(tmp_path))
    group["unit_brow_inner_up"].setValue(-0.5)  # a value without its switch is not sent
    assert "units" not in read_settings(group).emotion
    group["unit_brow_inner_up_on"].setValue(True)
    assert read_settings(group).emotion == {"seed": 0, "target": "happy", "intensity": 1.0,
                                            "units": {"brow_inner_up": -0.5}}
    jaw = group["unit_jaw_open"]
    jaw.setAnimated()
    jaw.setValueAt(0.0, 1001)
    jaw.setValueAt(0.4, 1003)
    group["unit_jaw_open_on"].setValue(True)
    keys = read_settings(group).emotion["keys"]
    assert [(k["frame"], k["units"]) for k in keys] == [
        (1001, {"brow_inner_up": -0.5, "jaw_open": 0.0}), (1002, {"brow_inner_up": -0.5, "jaw_open": 0.2}),
        (1003, {"brow_inner_up": -0.5, "jaw_open": 0.4})]
    jaw.setValueAt(1.8, 1003)  # typed past the slider
    with pytest.raises(SettingsError, match=r"NED1: emotion unit jaw_open = 1.8 at frame 1003 is out of range; "
                                            r"give a number in -1.5..1.5 \(units tab\)"):
        read_settings(group)


def test_a_node_made_before_the_units_tab_still_renders(nuke, tmp_path, monkeypatch):
    import ned_nuke.node_builder as node_builder
    from ned_nuke.settings import read_settings

    monkeypatch.setattr(node_builder, "_unit_knobs", lambda: [])
    group = node_builder.create_ned_node()
    assert group.knob("unit_jaw_open") is None
    group["output_dir"].setValue(str(tmp_path))
    group["use_input_range"].setValue(False)
    assert read_settings(group).emotion == {"seed": 0, "target": "happy", "intensity": 1.0}
