"""What Qt draws for the ``<img>`` tags of rich text (Nuke's Text_Knob, Resolve's UIManager Label wrap Qt widgets):
shared by the host fakes; docs/host_api.md says where the behaviour comes from."""

from __future__ import annotations

import html
import os
import re
from typing import Any, Dict, List

import cv2


def rich_text_images(text: str) -> List[Dict[str, Any]]:
    """The ``<img>`` tags of Qt rich text and what Qt would load for each (absolute local files only)."""
    shown = []
    for tag in re.findall(r"<img\s[^>]*>", text):
        attrs = {k: html.unescape(v) for k, v in re.findall(r'(\w+)="([^"]*)"', tag)}
        path = attrs.get("src", "")
        pixels = cv2.imread(path, cv2.IMREAD_COLOR) if os.path.isabs(path) and os.path.isfile(path) else None
        shown.append({"path": path, "width": int(attrs.get("width", 0)), "height": int(attrs.get("height", 0)),
                      "pixels": pixels})
    return shown
