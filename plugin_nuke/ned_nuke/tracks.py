"""The Analyse button: fills a NED Group's face-track list from the render node's analysis of its input.

In the UI the request runs on a background thread and the list is changed through
``nuke.executeInMainThread``; in terminal mode (``nuke -t``) it runs on the calling thread.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Any, Dict, Optional

import nuke
from ned_protocol import ProtocolError
from ned_protocol.faces import LARGEST, characters_html, face_choice, face_items, save_thumbnails, thumbnail_folder
from ned_protocol.host_connection import client_factory

from .errors import AnalysisError, NedNukeError
from .node_builder import CHARACTERS_KNOB
from .render import on_main_thread
from .settings import frame_range, node_settings, plate_location
from .source import job_source, readable_read


log = logging.getLogger(__name__)


def apply_tracks(group: "nuke.Node", result: Dict[str, Any], thumbnails: Optional[Dict[int, str]] = None) -> None:
    """Sets the list (main thread); the current choice stays when the analysis still has its track. Shows the
    characters' ``thumbnails`` (id -> JPEG path) under the list on Groups that have the knob."""
    knob = group["face_track"]
    chosen = face_choice(knob.value())
    items = face_items(result)
    knob.setValues(items)
    knob.setValue(next((item for item in items[1:] if face_choice(item) == chosen), LARGEST))
    default = result["default_track"]
    people = result.get("characters", [])
    counted = f"{len(result['tracks'])} face track(s)" + (f", {len(people)} character(s)" if people else "")
    found = f"{counted} in {result['frames']} frames"
    group["status"].setValue(found + (f"; largest = track {default}" if default is not None else ""))
    sheet = group.knob(CHARACTERS_KNOB)
    if sheet is not None:
        sheet.setValue(characters_html(result, thumbnails or {}))


def _failed(group: "nuke.Node", text: str) -> None:
    group["status"].setValue(f"analysis failed: {text}")


def analyse_tracks(group: "nuke.Node") -> Optional[threading.Thread]:
    """The Analyse button: asks the render node for the face tracks of the Group's input frames.

    The node caches its analysis, so a render of the same frames afterwards does not analyse again.

    Returns:
        The background thread in the UI; None in terminal mode, where the list is filled on return.

    Raises:
        NedNukeError: unusable knobs or input (shown in a dialog in the UI); in terminal mode also
            AnalysisError when the render node refuses or does not answer.
    """
    try:
        first, last = frame_range(group)
        bake_dir = "" if readable_read(group.input(0), first) else \
            os.path.join(plate_location(group)[0], f"{group.name()}_source")
        source = job_source(group, first, last, bake_dir)
    except NedNukeError as exc:
        if nuke.GUI:
            nuke.message(str(exc))
        group["status"].setValue(f"error: {exc}")
        raise
    make_client = client_factory(node_settings(group))
    group["status"].setValue(f"analysing frames {first}-{last}")

    def work() -> None:
        try:
            with make_client() as client:
                result = client.analyze_shot({"path": source["path"]}, frames=source["frames"])
        except ProtocolError as exc:
            on_main_thread(_failed, group, str(exc))
            if not nuke.GUI:
                raise AnalysisError(f"{group.name()}: face analysis of frames {first}-{last} failed: {exc}") from exc
            return
        try:
            thumbnails = save_thumbnails(result, thumbnail_folder())
        except OSError as exc:  # pictures are a help: the list still comes
            log.warning("NED: face thumbnails not saved: %s", exc)
            thumbnails = {}
        on_main_thread(apply_tracks, group, result, thumbnails)

    if not nuke.GUI:
        work()
        return None
    thread = threading.Thread(target=work, name=f"ned-analyse-{group.name()}", daemon=True)
    thread.start()
    return thread
