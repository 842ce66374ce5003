"""The settings dialog shown inside Resolve (Fusion UIManager): emotion, intensity, unit overrides, reference, node,
face."""

from __future__ import annotations

from typing import Any, Callable, Dict, Optional

from ned_protocol import InvalidFieldError, ProtocolError
from ned_protocol.emotion_keys import parse_unit_texts
from ned_protocol.faces import LARGEST, characters_html, face_items, save_thumbnails, thumbnail_folder
from ned_protocol.host_connection import NodeSettings
from ned_protocol.messages import EMOTIONS

from .errors import NedResolveError

from .main import Choices


def ask(fusion: Any, bmd: Any, analyse: Optional[Callable[[NodeSettings], Dict[str, Any]]] = None
        ) -> Optional[Choices]:
    """Shows the dialog and blocks until Render or Cancel; None when cancelled or closed.

    ``analyse`` (the Analyse button) asks the node for the shot's faces (``main.analyse_faces``) and fills the
    Face list with "all faces", the characters and the tracks, and shows each character's face (protocol 1.4
    thumbnails) under it; without it the list holds "largest" only.
    """
    ui = fusion.UIManager
    dispatcher = bmd.UIDispatcher(ui)
    env = NodeSettings.from_environment()
    rows = [("Emotion", ui.ComboBox({"ID": "Emotion"})),
            ("Intensity", ui.DoubleSpinBox({"ID": "Intensity", "Minimum": 0.0, "Maximum": 1.5, "Value": 1.0,
                                            "SingleStep": 0.1})),
            ("Unit overrides", ui.LineEdit({"ID": "Units", "PlaceholderText": "brow_inner_up=-0.5, jaw_open=0.2"})),
            ("Reference clip", ui.LineEdit({"ID": "Reference"})),
            ("Output folder", ui.LineEdit({"ID": "Out", "PlaceholderText": "<source folder>/ned/<clip>_<emotion>"})),
            ("Node", ui.LineEdit({"ID": "Node", "Text": env.address})),
            ("Key file", ui.LineEdit({"ID": "KeyFile", "Text": env.key_file})),
            ("CURVE node key", ui.LineEdit({"ID": "ServerKey", "PlaceholderText": "server.key"})),
            ("CURVE client key", ui.LineEdit({"ID": "ClientKey", "PlaceholderText": "NAME.key_secret"})),
            ("Face", ui.ComboBox({"ID": "Face"})),
            ("", ui.Button({"ID": "Analyse", "Text": "Analyse faces"})),
            ("", ui.Label({"ID": "Characters", "Text": "", "WordWrap": True})),  # each character's face (1.4)
            ("", ui.Label({"ID": "Status", "Text": ""}))]
    window = dispatcher.AddWindow({"ID": "NedDialog", "WindowTitle": "NED Emotion", "Geometry": [200, 200, 480, 300]},
                                  ui.VGroup([*(ui.HGroup([ui.Label({"Text": label}), field]) for label, field in rows),
                                             ui.HGroup([ui.Button({"ID": "Render", "Text": "Render"}),
                                                        ui.Button({"ID": "Cancel", "Text": "Cancel"})])]))
    items = window.GetItems()
    for label in EMOTIONS:
        items["Emotion"].AddItem(label)
    items["Face"].AddItem(LARGEST)
    picked: Dict[str, Choices] = {}

    def node() -> NodeSettings:
        text = {name: items[name].Text.strip() for name in ("Node", "KeyFile", "ServerKey", "ClientKey")}
        return NodeSettings(text["Node"], text["KeyFile"], text["ServerKey"], text["ClientKey"])

    def faces(_event: Any) -> None:
        if analyse is None:
            return
        try:
            result = analyse(node())
        except (ProtocolError, NedResolveError) as exc:
            items["Status"].Text = f"analysis failed: {exc}"
            return
        items["Face"].Clear()
        items["Face"].AddItems(face_items(result))
        people = len(result.get("characters", []))
        items["Status"].Text = f"{len(result['tracks'])} face track(s), {people} character(s)"
        try:
            thumbnails = save_thumbnails(result, thumbnail_folder())
        except OSError as exc:  # pictures are a help: the list is there without them
            thumbnails = {}
            items["Status"].Text += f" (face pictures not saved: {exc})"
        items["Characters"].Text = characters_html(result, thumbnails)

    def render(_event: Any) -> None:
        text = {name: items[name].Text.strip() for name in ("Reference", "Out", "Units")}
        try:
            units = tuple(parse_unit_texts([text["Units"]]).items())
        except InvalidFieldError as exc:  # the dialog stays open with the reason
            items["Status"].Text = f"unit overrides: {exc}"
            return
        picked["choices"] = Choices(emotion=items["Emotion"].CurrentText, intensity=float(items["Intensity"].Value),
                                    reference=text["Reference"], output_dir=text["Out"], node=node(),
                                    face=items["Face"].CurrentText or LARGEST, units=units)
        dispatcher.ExitLoop()

    window.On.Analyse.Clicked = faces
    window.On.Render.Clicked = render
    window.On.Cancel.Clicked = lambda _event: dispatcher.ExitLoop()
    window.On.NedDialog.Close = lambda _event: dispatcher.ExitLoop()
    window.Show()
    dispatcher.RunLoop()
    window.Hide()
    return picked.get("choices")
