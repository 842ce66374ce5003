"""The running Resolve's version and the scripting-API behaviour that depends on it (Resolve 18-21).

Where each version fact comes from: docs/host_api.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Tuple

from .errors import UnsupportedResolveError

#: The oldest Resolve this script supports.
OLDEST = (18, 0, 0)
#: TimelineItem.GetSourceStartFrame exists from this version on.
SOURCE_START_FRAME_SINCE = (19, 0, 2)
#: MediaPool.AppendToTimeline's clipInfo ``endFrame`` is exclusive from this version on (inclusive on 18).
END_FRAME_EXCLUSIVE_SINCE = (19, 0, 0)


@dataclass(frozen=True)
class ResolveVersion:
    """``numbers``: (major, minor, patch); ``text``: as Resolve writes it (``"19.1.3.7"``)."""

    numbers: Tuple[int, int, int]
    text: str

    @property
    def has_source_start_frame(self) -> bool:
        return self.numbers >= SOURCE_START_FRAME_SINCE

    @property
    def end_frame_exclusive(self) -> bool:
        return self.numbers >= END_FRAME_EXCLUSIVE_SINCE


def resolve_version(resolve: Any) -> ResolveVersion:
    """The version of the Resolve behind ``resolve`` (``GetVersion()``: ``[major, minor, patch, build, suffix]``).

    Raises:
        UnsupportedResolveError: Resolve older than 18.
    """
    fields = resolve.GetVersion()
    numbers = tuple(int(field) for field in list(fields)[:3])
    version = ResolveVersion(numbers=(numbers + (0, 0, 0))[:3], text=resolve.GetVersionString())
    if version.numbers < OLDEST:
        raise UnsupportedResolveError(f"DaVinci Resolve {version.text} is not supported: NED needs Resolve "
                                      f"{OLDEST[0]} or later (tested against 18-21)")
    return version
