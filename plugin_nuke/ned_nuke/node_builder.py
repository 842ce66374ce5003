"""Builds the NED Group node: its knobs and the internal plate Read merged over the input."""

from __future__ import annotations

import os

import nuke
from ned_protocol.faces import LARGEST
from ned_protocol.host_connection import NodeSettings
from ned_protocol.messages import EMOTIONS, MAX_INTENSITY, UNITS

#: Marks a Group as a NED node (onCreate callbacks and the farm command look for it).
MARKER_KNOB = "ned_node_version"
#: The Text_Knob showing the characters' thumbnails after Analyse (absent on Groups saved before it existed).
CHARACTERS_KNOB = "characters"
COMPRESSIONS = ("dwaa:45", "zip", "piz", "none")
#: The Group's ``output`` choice: the finished comp, the plate alone, or its face mask as RGBA.
OUTPUTS = ("comp", "plate", "mask")
NO_BLEND = "none"
#: the farm engines of "Submit to farm" (`ned submit --farm ENGINE`): OpenJD (AWS Deadline Cloud), Deadline 10, OpenCue
FARM_ENGINES = ("openjd", "deadline", "opencue")

# Names of the internal nodes.
PLATE_READ, MERGE, MASK_SHUFFLE, SWITCH = "PlateRead", "FaceOver", "FaceMask", "OutputSwitch"
#: The plates' blend mask: EXR channel ``facemask.A``, which Nuke reads as ``facemask.alpha``.
MASK_LAYER, MASK_CHANNEL = "facemask", "facemask.alpha"


def _button(name: str, label: str, call: str) -> "nuke.PyScript_Knob":
    """A button running ``ned_nuke.<call>(group)``, e.g. ``call="render.start_render"``."""
    module = call.split(".")[0]
    return nuke.PyScript_Knob(name, label, f"import ned_nuke.{module}\nned_nuke.{call}(nuke.thisNode())")


def unit_knob(unit: str) -> str:
    """Name of the value knob of a unit override (its switch is ``<name>_on``)."""
    return f"unit_{unit}"


def _unit_knobs() -> list:
    """The "units" tab: per unit (``ned_protocol.messages.UNITS``) an animatable value in -1.5..1.5 and, on the
    same line, an ``override`` switch; only switched-on units are sent (an override of 0 is a real value: it
    undoes the actor's own activation there). A side's knob (``_L``/``_R``) wins over its both-sides knob."""
    knobs: list = [nuke.Tab_Knob("ned_units", "units")]
    for unit in UNITS:
        value = nuke.Double_Knob(unit_knob(unit), unit)
        value.setRange(-MAX_INTENSITY, MAX_INTENSITY)
        knobs += [value, nuke.Boolean_Knob(f"{unit_knob(unit)}_on", "override", False)]
    return knobs


def default_farm_engine() -> str:
    """``$NED_FARM_ENGINE`` when it names an engine (the studio's farm), else OpenJD."""
    engine = os.environ.get("NED_FARM_ENGINE", "").strip().lower()
    return engine if engine in FARM_ENGINES else FARM_ENGINES[0]


def _farm_knobs() -> list:
    """The farm row: engine, frames per task, job folder, the Submit to farm button."""
    engine = nuke.Enumeration_Knob("farm_engine", "farm", list(FARM_ENGINES))
    engine.setValue(default_farm_engine())
    engine.setFlag(nuke.STARTLINE)
    chunk_size = nuke.Int_Knob("chunk_size", "frames per task")
    chunk_size.setValue(10)
    return [engine, chunk_size, nuke.File_Knob("farm_job_dir", "farm job folder"),
            _button("submit_farm", "Submit to farm", "farm_submit.submit_to_farm")]


def _knobs(settings: NodeSettings) -> list:
    """The user knobs, in panel order, with their defaults."""
    address = nuke.String_Knob("node_address", "node address")
    address.setValue(settings.address)
    key_file = nuke.File_Knob("key_file", "key file")
    key_file.setValue(settings.key_file)
    intensity = nuke.Double_Knob("intensity", "intensity")
    intensity.setValue(1.0)
    use_input = nuke.Boolean_Knob("use_input_range", "input frame range", True)
    use_input.setFlag(nuke.STARTLINE)  # the Analyse button sits beside the face-track list, not this
    first, last = nuke.Int_Knob("first", "first"), nuke.Int_Knob("last", "last")
    for knob in (first, last):
        knob.setFlag(nuke.DISABLED)
    status = nuke.Text_Knob("status", "status", "not rendered")
    job_id = nuke.String_Knob("job_id", "job id")
    job_id.setFlag(nuke.INVISIBLE)
    marker = nuke.Text_Knob(MARKER_KNOB, "", "1")
    marker.setFlag(nuke.INVISIBLE)
    return [
        nuke.Tab_Knob("ned", "NED"),
        address, key_file,
        nuke.File_Knob("server_key", "CURVE node key"), nuke.File_Knob("client_key", "CURVE client key"),
        nuke.Enumeration_Knob("emotion", "emotion", list(EMOTIONS[1:] + EMOTIONS[:1])),
        intensity,
        nuke.Enumeration_Knob("blend_emotion", "blend with", [NO_BLEND, *EMOTIONS]),
        nuke.Double_Knob("blend", "blend"),
        nuke.File_Knob("reference", "reference clip"),
        # first entry and default: the face the render node picks; Analyse adds "all faces", the characters and
        # the tracks (``ned_protocol.faces.face_items``)
        nuke.Enumeration_Knob("face_track", "face track", [LARGEST]),
        _button("analyse", "Analyse", "tracks.analyse_tracks"),
        # after Analyse: each character's face (protocol 1.4 thumbnails) over its name, as rich text
        nuke.Text_Knob(CHARACTERS_KNOB, "characters", ""),
        use_input, first, last,
        nuke.Int_Knob("seed", "seed"),
        nuke.File_Knob("output_dir", "output directory"),
        nuke.Enumeration_Knob("compression", "compression", list(COMPRESSIONS)),
        nuke.Boolean_Knob("full_frame", "full-frame plates", False),
        # the warp as stmap.u/stmap.v in every plate: an STMap node re-applies the edit to a denoised plate
        nuke.Boolean_Knob("stmap", "STMap layer", False),
        nuke.Enumeration_Knob("output", "output", list(OUTPUTS)),
        _button("render", "Render", "render.start_render"),
        _button("cancel", "Cancel", "render.cancel_render"),
        *_farm_knobs(),
        status, job_id, marker,
        *_unit_knobs(),
    ]


def create_ned_node() -> "nuke.Node":
    """Creates a NED Group in the current graph: Input → (plate Read over input, masked) → Output.

    Returns:
        The Group; its output is the input until plates have been rendered.
    """
    _ensure_mask_layer()
    group = nuke.nodes.Group(name=_free_name("NED"))
    for knob in _knobs(NodeSettings.from_environment()):
        group.addKnob(knob)
    with group:
        source = nuke.nodes.Input(name="Input1")
        plate = nuke.nodes.Read(name=PLATE_READ, on_error="black")
        merge = nuke.nodes.Merge2(name=MERGE, operation="over", maskChannelInput=MASK_CHANNEL, also_merge="all")
        merge.setInput(0, source)   # B: the plate the artist gave
        merge.setInput(1, plate)    # A: the face plate (premultiplied RGBA + facemask.A)
        merge.setInput(2, plate)    # mask: facemask.alpha of the plate
        mask = _mask_shuffle(plate)
        switch = nuke.nodes.Switch(name=SWITCH)
        switch["which"].setExpression("parent.output")  # the Group's output pulldown picks the input
        for index, node in enumerate((merge, plate, mask)):
            switch.setInput(index, node)
        nuke.nodes.Output(name="Output1").setInput(0, switch)
    return group


def _ensure_mask_layer() -> None:
    """Channel knobs take only layers Nuke knows; before any plate is read, ``facemask`` is not one of them.
    A saved script keeps the layer (its ``add_layer`` line)."""
    if MASK_LAYER not in nuke.layers():
        nuke.Layer(MASK_LAYER, [MASK_CHANNEL])


def _mask_shuffle(plate: "nuke.Node") -> "nuke.Node":
    """The mask output: ``facemask.alpha`` into R, G, B and A. Shuffle2 (Nuke 12.1 and later: every supported
    version; Nuke 17 has no legacy Shuffle); channels are set after the layers, mappings last."""
    mask = nuke.nodes.Shuffle2(name=MASK_SHUFFLE)
    mask["in1"].setValue(MASK_LAYER)
    mask["out1"].setValue("rgba")
    mask["mappings"].setValue([(0, MASK_CHANNEL, f"rgba.{channel}") for channel in ("red", "green", "blue", "alpha")])
    mask.setInput(0, plate)
    return mask


def is_ned_node(node: "nuke.Node") -> bool:
    """True for a Group made by :func:`create_ned_node`."""
    return node.Class() == "Group" and node.knob(MARKER_KNOB) is not None


def _free_name(base: str) -> str:
    count = 1
    while nuke.toNode(f"{base}{count}") is not None:
        count += 1
    return f"{base}{count}"
