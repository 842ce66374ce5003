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
    window = dispatcher.AddWindow({"ID": "NedDialog", "WindowTitle": "NED Emotion", "Geometry": [200, 200, 460, 230]},
                                  ui.VGroup([
                                      ui.HGroup([ui.Label({"Text": "Emotion"}), ui.ComboBox({"ID": "Emotion"})]),
                                      ui.HGroup([ui.Label({"Text": "Intensity"}),
                                                 ui.DoubleSpinBox({"ID": "Intensity", "Minimum": 0.0, "Maximum": 1.5,
                                                                   "Value": 1.0, "SingleStep": 0.1})]),
                                      ui.HGroup([ui.Label({"Text": "Reference clip"}), ui.LineEdit({"ID": "Reference"})]),
                                      ui.HGroup([ui.Label({"Text": "Output folder"}), ui.LineEdit({"ID": "Out"})]),
                                      ui.HGroup([ui.Label({"Text": "Node"}), ui.LineEdit({"ID": "Node", "Text": env.address})]),
                                      ui.HGroup([ui.Label({"Text": "Key file"}), ui.LineEdit({"ID": "KeyFile", "Text": env.key_file})]),
                                      ui.HGroup([ui.Button({"ID": "Render", "Text": "Render"}),
                                                 ui.Button({"ID": "Cancel", "Text": "Cancel"})]),
                                  ]))
    items = window.GetItems()
    for label in EMOTIONS:
        items["Emotion"].AddItem(label)
    picked: Dict[str, Choices] = {}

    def render(_event: Any) -> None:
        picked["choices"] = Choices(emotion=items["Emotion"].CurrentText, intensity=float(items["Intensity"].Value),
                                    reference=items["Reference"].Text.strip(), output_dir=items["Out"].Text.strip(),
                                    node=NodeSettings(items["Node"].Text.strip(), items["KeyFile"].Text.strip()))
        dispatcher.ExitLoop()

    window.On.Render.Clicked = render
    window.On.Cancel.Clicked = lambda _event: dispatcher.ExitLoop()
    window.On.NedDialog.Close = lambda _event: dispatcher.ExitLoop()
    window.Show()
    dispatcher.RunLoop()
    window.Hide()
    return picked.get("choices")
