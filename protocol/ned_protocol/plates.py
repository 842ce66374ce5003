"""Host-side view of a plate sequence on shared storage: frame paths and which frames already exist."""

from __future__ import annotations

import os
import re
from typing import List, Sequence

from .exceptions import InvalidFieldError

_HASHES = re.compile(r"#+")
_PRINTF = re.compile(r"%0?(\d*)d")


def frame_path(directory: str, pattern: str, frame: int) -> str:
    """The file of ``frame`` in a ``face.####.exr`` (or ``face.%04d.exr``) pattern inside ``directory``."""
    printf = _PRINTF.search(pattern)
    if printf is not None:
        name = pattern[:printf.start()] + f"{frame:0{printf.group(1) or 1}d}" + pattern[printf.end():]
    else:
        hashes = _HASHES.search(pattern)
        if hashes is None:
            raise InvalidFieldError(f"plate pattern {pattern!r} has no #### or %04d frame field",
                                    details={"field": "output.pattern"})
        name = pattern[:hashes.start()] + f"{frame:0{len(hashes.group())}d}" + pattern[hashes.end():]
    return os.path.join(directory, name)


def printf_pattern(pattern: str) -> str:
    """``face.####.exr`` → ``face.%04d.exr`` (hosts such as Resolve and Nuke's Read accept either)."""
    return _HASHES.sub(lambda match: f"%0{len(match.group())}d", pattern, count=1)


def existing_frames(directory: str, pattern: str, frames: Sequence[int]) -> List[int]:
    """The frames of ``frames`` whose plate file exists (a finished render or a partial one)."""
    return [frame for frame in frames if os.path.isfile(frame_path(directory, pattern, frame))]
