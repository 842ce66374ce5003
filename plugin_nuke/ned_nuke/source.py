"""The job's source: the input Read's own files when the node can read them, else the input baked to EXR."""

from __future__ import annotations

import os
import re
from typing import Any, Dict

import nuke
from ned_protocol.plates import frame_path

from .errors import SourceError

#: File types the render node reads (OpenImageIO stills / sequences, FFmpeg movies).
NODE_READABLE = (".exr", ".dpx", ".png", ".tif", ".tiff", ".jpg", ".jpeg", ".mov", ".mp4", ".mxf")
_FRAME_FIELD = re.compile(r"#+|%0?\d*d")


def readable_read(node: Any, first: int) -> bool:
    """True when ``node`` is a Read of a frame sequence whose files exist here (shared storage)."""
    if node is None or node.Class() != "Read":
        return False
    path = node["file"].value()
    if not path.lower().endswith(NODE_READABLE) or _FRAME_FIELD.search(os.path.basename(path)) is None:
        return False
    return os.path.isfile(frame_path(os.path.dirname(path), os.path.basename(path), first))


def job_source(group: "nuke.Node", first: int, last: int, bake_dir: str) -> Dict[str, Any]:
    """The request's ``source`` map for frames ``first..last`` of the Group's input (main thread).

    A Read of files the node can reach is sent as path + range; anything else is rendered first with a
    temporary Write to ``bake_dir/src.####.exr`` (half RGBA) and that sequence is sent.

    Raises:
        SourceError: nothing is connected to the NED node, or the bake failed.
    """
    upstream = group.input(0)
    if upstream is None:
        raise SourceError(f"{group.name()}: connect the shot to the NED node's input")
    frames = {"first": first, "last": last}
    if readable_read(upstream, first):
        return {"kind": "path", "path": upstream["file"].value(), "frames": frames}
    pattern = os.path.join(bake_dir, "src.####.exr")
    with group:
        write = nuke.nodes.Write(file=pattern.replace(os.sep, "/"), channels="rgba", create_directories=True)
        write["file_type"].setValue("exr")
        write["datatype"].setValue("16 bit half")  # an EXR knob: it exists once file_type is exr
        write.setInput(0, group.node("Input1"))
        try:
            nuke.execute(write, first, last, 1)
        except RuntimeError as exc:
            raise SourceError(f"{group.name()}: baking the input to {pattern} failed: {exc}") from exc
        finally:
            nuke.delete(write)
    return {"kind": "path", "path": pattern, "frames": frames}
