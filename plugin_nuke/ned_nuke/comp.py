"""Points the NED Group's internal plate Read at rendered plates, and finds plates already on disk."""

from __future__ import annotations

from typing import List

import nuke
from ned_protocol.plates import existing_frames, printf_pattern

from .errors import NedNukeError
from .node_builder import PLATE_READ
from .settings import frame_range, plate_location


def show_plates(group: "nuke.Node", directory: str, pattern: str, first: int, last: int) -> None:
    """Loads ``directory/pattern`` frames ``first..last`` into the plate Read (black outside; main thread).

    ``fromUserText`` (not ``setValue``) also reads the first plate's header into the Read's ``format``, so the
    plates show at their own size rather than the project's.
    """
    read = group.node(PLATE_READ)
    read["file"].fromUserText(f"{_join(directory, printf_pattern(pattern))} {first}-{last}")
    for knob, value in (("first", first), ("origfirst", first), ("last", last), ("origlast", last)):
        read[knob].setValue(value)  # also the original range, which fromUserText is not documented to set


def found_plates(group: "nuke.Node") -> List[int]:
    """Frames of the Group's range whose plate exists on disk (empty when the knobs are incomplete)."""
    try:
        directory, pattern = plate_location(group)
        first, last = frame_range(group)
    except NedNukeError:
        return []
    return existing_frames(directory, pattern, range(first, last + 1))


def sync_existing_plates(group: "nuke.Node") -> int:
    """On script load / node creation: shows plates already rendered, without rendering; returns their count."""
    frames = found_plates(group)
    if frames:
        directory, pattern = plate_location(group)
        show_plates(group, directory, pattern, frames[0], frames[-1])
        first, last = frame_range(group)
        complete = len(frames) == last - first + 1
        group["status"].setValue(f"{len(frames)} plates found on disk ({frames[0]}-{frames[-1]})"
                                 + ("" if complete else f"; {last - first + 1 - len(frames)} missing: render again"))
    return len(frames)


def _join(directory: str, name: str) -> str:
    """A Nuke file path (forward slashes on every OS)."""
    return f"{directory.rstrip('/').rstrip(chr(92))}/{name}".replace(chr(92), "/")
