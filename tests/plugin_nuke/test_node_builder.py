"""Building the NED Group in (fake) Nuke: knobs, defaults, internal comp graph, strictness of the fake."""

from __future__ import annotations

import threading

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


def test_the_fake_rejects_what_nuke_rejects(nuke):
    from ned_nuke.node_builder import create_ned_node

    group = create_ned_node()
    with pytest.raises(NameError):
        group["intensty"]
    with pytest.raises(TypeError):
        group["intensity"].setValue("0.5")
    with pytest.raises(ValueError):
        group["emotion"].setValue("joyful")
    with pytest.raises(NameError):
        nuke.nodes.Read(fiel="x.exr")
    errors = []
    thread = threading.Thread(target=lambda: errors.append(_try(lambda: group["seed"].setValue(3))))
    thread.start()
    thread.join()
    assert isinstance(errors[0], RuntimeError)


def _try(call):
    try:
        call()
    except Exception as exc:
        return exc
    return None
