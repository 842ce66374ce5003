"""SMPTE timecode for EXR ``timeCode``: parse, count frames (incl. 29.97 drop-frame), decode the BCD word (plates
are written with ``OpenEXR.TimeCode``, see :func:`ned_core.io.exr_metadata.metadata_header`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from ned_core.exceptions import PlateMetadataError

#: Highest nominal rate with a plain SMPTE frame field (frame tens have 2 bits in the packed word).
MAX_NOMINAL_FPS = 30
_DF_RATE = Fraction(30000, 1001)
_FORM = re.compile(r"^(\d{2}):(\d{2}):(\d{2})([:;.,])(\d{2})$")

# Bit layout of the EXR timeCode "time and flags" word (OpenEXR ImfTimeCode.h, TV60 packing, BSD-3):
# frame units 0-3, frame tens 4-5, drop-frame flag 6, seconds 8-11/12-14, minutes 16-19/20-22,
# hours 24-27/28-29. The other bits are flags and binary groups, written as 0.
_DROP_BIT = 1 << 6
_FIELDS = ((0, 2), (8, 3), (16, 3), (24, 2))  # (shift, width of the tens digit) for FF, SS, MM, HH


@dataclass(frozen=True)
class Timecode:
    """One SMPTE label ``HH:MM:SS:FF`` (``HH:MM:SS;FF`` when ``drop_frame``)."""

    hours: int
    minutes: int
    seconds: int
    frames: int
    drop_frame: bool = False

    def __str__(self) -> str:
        sep = ";" if self.drop_frame else ":"
        return f"{self.hours:02d}:{self.minutes:02d}:{self.seconds:02d}{sep}{self.frames:02d}"


def nominal_rate(fps: Fraction, drop_frame: bool = False) -> int:
    """Frames per timecode second for ``fps`` (24000/1001 -> 24); raises if timecode cannot carry it."""
    nominal = round(fps)
    if not 1 <= nominal <= MAX_NOMINAL_FPS:
        raise PlateMetadataError(
            f"timeCode supports frame rates up to {MAX_NOMINAL_FPS} fps (SMPTE frame field), got {fps} fps; "
            "pass timecode=None for higher rates")
    if drop_frame and fps != _DF_RATE:
        raise PlateMetadataError(f"drop-frame timecode (';') needs 30000/1001 fps, got {fps}")
    return nominal


def parse_timecode(text: str, fps: Fraction) -> Timecode:
    """Parse ``"HH:MM:SS:FF"`` (``;`` ``.`` or ``,`` before FF = drop-frame) and check it exists at ``fps``."""
    m = _FORM.match(str(text).strip())
    if not m:
        raise PlateMetadataError(f"timecode must look like 'HH:MM:SS:FF' (';FF' for drop-frame), got {text!r}")
    hh, mm, ss, sep, ff = m.groups()
    tc = Timecode(int(hh), int(mm), int(ss), int(ff), drop_frame=sep != ":")
    rate = nominal_rate(fps, tc.drop_frame)
    if tc.hours > 23 or tc.minutes > 59 or tc.seconds > 59 or tc.frames >= rate:
        raise PlateMetadataError(f"timecode {text!r} is out of range at {fps} fps (frames 00-{rate - 1:02d})")
    if tc.drop_frame and tc.seconds == 0 and tc.frames < 2 and tc.minutes % 10:
        raise PlateMetadataError(f"drop-frame timecode {text!r} does not exist (frames 00 and 01 are skipped "
                                 "at the start of each minute not divisible by 10)")
    return tc


def timecode_to_frames(tc: Timecode, fps: Fraction) -> int:
    """Frames elapsed since 00:00:00:00 (drop-frame labels counted the SMPTE 12M way)."""
    rate = nominal_rate(fps, tc.drop_frame)
    count = ((tc.hours * 60 + tc.minutes) * 60 + tc.seconds) * rate + tc.frames
    if tc.drop_frame:
        total_minutes = tc.hours * 60 + tc.minutes
        count -= 2 * (total_minutes - total_minutes // 10)
    return count


def frames_to_timecode(count: int, fps: Fraction, drop_frame: bool = False) -> Timecode:
    """Inverse of :func:`timecode_to_frames`; wraps around at 24 hours."""
    rate = nominal_rate(fps, drop_frame)
    if drop_frame:
        per_10min, per_min = 10 * 60 * rate - 18, 60 * rate - 2
        count %= 24 * 6 * per_10min
        tens, rem = divmod(count, per_10min)
        count += 18 * tens + (2 * ((rem - 2) // per_min) if rem >= 2 else 0)
    else:
        count %= 24 * 3600 * rate
    seconds, frames = divmod(count, rate)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return Timecode(hours, minutes, seconds, frames, drop_frame)


def timecode_at(start: str, offset: int, fps: Fraction) -> str:
    """The label ``offset`` frames after ``start`` (e.g. source start timecode + frame index)."""
    tc = parse_timecode(start, fps)
    return str(frames_to_timecode(timecode_to_frames(tc, fps) + offset, fps, tc.drop_frame))


def unpack_timecode(word: int) -> Timecode:
    """Decode an EXR timeCode word; raises :class:`PlateMetadataError` on non-BCD digits."""
    values = []
    for shift, tens_bits in _FIELDS:
        units, tens = (word >> shift) & 0xF, (word >> (shift + 4)) & ((1 << tens_bits) - 1)
        if units > 9:
            raise PlateMetadataError(f"timeCode word 0x{word:08x} is not valid BCD")
        values.append(tens * 10 + units)
    frames, seconds, minutes, hours = values
    return Timecode(hours, minutes, seconds, frames, bool(word & _DROP_BIT))
