"""Resolve timecodes (``HH:MM:SS:FF``, drop-frame ``HH:MM:SS;FF``) as frame counts."""

from __future__ import annotations

import re

_TIMECODE = re.compile(r"^(\d+):(\d{2}):(\d{2})([:;.,])(\d{2})$")


def timecode_frames(timecode: str, fps: float) -> int:
    """Frames from 00:00:00:00 to ``timecode`` at ``fps``; ``""`` counts as zero.

    Drop-frame timecode (``;`` before the frames, 29.97 or 59.94 fps) skips the first 2 (4) frame numbers of
    every minute except each tenth, as SMPTE 12M does.

    Raises:
        ValueError: not a timecode, or frames beyond the rate.
    """
    if not timecode:
        return 0
    match = _TIMECODE.match(timecode.strip())
    nominal = int(round(fps))
    if match is None or nominal <= 0:
        raise ValueError(f"{timecode!r} is not a HH:MM:SS:FF timecode at {fps:g} fps")
    hours, minutes, seconds, separator, frames = match.groups()
    hours, minutes, seconds, frames = int(hours), int(minutes), int(seconds), int(frames)
    if frames >= nominal or minutes > 59 or seconds > 59:
        raise ValueError(f"{timecode!r} is not a valid timecode at {fps:g} fps")
    count = ((hours * 60 + minutes) * 60 + seconds) * nominal + frames
    if separator in ";," and nominal in (30, 60):
        dropped = 2 * nominal // 30
        total_minutes = hours * 60 + minutes
        count -= dropped * (total_minutes - total_minutes // 10)
    return count
