"""Tells NED's own plate clips apart from source clips: they live in the "NED" bin or carry the ``_ned`` name."""

from __future__ import annotations

import os
import re
from typing import Any, FrozenSet

#: The media pool bin NED imports its plates into.
BIN_NAME = "NED"
#: Plate file names end in this before the frame number (``<clip>_ned.####.exr``).
PLATE_SUFFIX = "_ned"
_FRAMES = re.compile(r"[._]*(\[\d+-\d+\]|#+|%0?\d*d)?[._]*$")


def ned_clip_paths(media_pool: Any) -> FrozenSet[str]:
    """``File Path`` of every clip in the root-level "NED" bin (empty when there is no such bin)."""
    return frozenset(clip.GetClipProperty("File Path")
                     for folder in media_pool.GetRootFolder().GetSubFolderList() if folder.GetName() == BIN_NAME
                     for clip in folder.GetClipList())


def is_ned_plate(media: Any, ned_paths: FrozenSet[str]) -> bool:
    """True when the media pool item is NED output: in the "NED" bin, or its file name ends in ``_ned``."""
    path = media.GetClipProperty("File Path")
    stem = _FRAMES.sub("", os.path.splitext(os.path.basename(path))[0])
    return path in ned_paths or stem.endswith(PLATE_SUFFIX)
