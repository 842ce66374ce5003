"""The settings dialog shown inside Resolve (Fusion UIManager): emotion, intensity, reference, node."""

from __future__ import annotations

from typing import Any, Dict, Optional

from ned_protocol.host_connection import NodeSettings
from ned_protocol.messages import EMOTIONS

from .main import Choices


def ask(fusion: Any, bmd: Any) -> Optional[Choices]:
    """Shows the dialog and blocks until Render or Cancel; None when cancelled or closed."""
    ui = fusion.UIManager
    dispatcher = bmd.UIDispatcher(ui)
    env = NodeSettings.from_environment()
    rows = [("Emotion", ui.ComboBox({"ID": "Emotion"})),
            ("Intensity", ui.DoubleSpinBox({"ID": "Intensity", "Minimum": 0.0, "Maximum": 1.5, "Value": 1.0,
                                            "SingleStep": 0.1})),
            ("Reference clip", ui.LineEdit({"ID": "Reference"})),
            ("Output folder", ui.LineEdit({"ID": "Out", "PlaceholderText": "<source folder>/ned/<clip>_<emotion>"})),
            ("Node", ui.LineEdit({"ID": "Node", "Text": env.address})),
            ("Key file", ui.LineEdit({"ID": "KeyFile", "Text": env.key_file})),
            ("CURVE node key", ui.LineEdit({"ID": "ServerKey", "PlaceholderText": "server.key"})),
            ("CURVE client key", ui.LineEdit({"ID": "ClientKey", "PlaceholderText": "NAME.key_secret"}))]
    window = dispatcher.AddWindow({"ID": "NedDialog", "WindowTitle": "NED Emotion", "Geometry": [200, 200, 480, 300]},
                                  ui.VGroup([*(ui.HGroup([ui.Label({"Text": label}), field]) for label, field in rows),
                                             ui.HGroup([ui.Button({"ID": "Render", "Text": "Render"}),
                                                        ui.Button({"ID": "Cancel", "Text": "Cancel"})])]))
    items = window.GetItems()
    for label in EMOTIONS:
        items["Emotion"].AddItem(label)
    picked: Dict[str, Choices] = {}

    def render(_event: Any) -> None:
        text = {name: items[name].Text.strip() for name in ("Reference", "Out", "Node", "KeyFile", "ServerKey",
                                                             "ClientKey")}
        picked["choices"] = Choices(emotion=items["Emotion"].CurrentText, intensity=float(items["Intensity"].Value),
                                    reference=text["Reference"], output_dir=text["Out"],
                                    node=NodeSettings(text["Node"], text["KeyFile"], text["ServerKey"],
                                                      text["ClientKey"]))
        dispatcher.ExitLoop()

    window.On.Render.Clicked = render
    window.On.Cancel.Clicked = lambda _event: dispatcher.ExitLoop()
    window.On.NedDialog.Close = lambda _event: dispatcher.ExitLoop()
    window.Show()
    dispatcher.RunLoop()
    window.Hide()
    return picked.get("choices")
