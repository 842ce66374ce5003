"""Frame numbers of variable-frame-rate movies (phone footage) from their timestamps, and field order names.

A VFR movie is conformed to a constant rate the way an editing timeline shows it: frame ``n`` is the picture on
screen at time ``n / fps`` after the first picture, where ``fps`` is the stream's nominal rate snapped to the
nearest standard rate. A gap in the timestamps (a dropped frame) holds the picture before it; two pictures on
the same frame keep the later one. The preview, made at ``fps``, then stays in sync with the audio.
"""

from __future__ import annotations

import bisect
from fractions import Fraction

#: Rates a nominal rate within :data:`SNAP_TOLERANCE` snaps to.
STANDARD_RATES = tuple(Fraction(r) for r in (Fraction(24000, 1001), 24, 25, Fraction(30000, 1001), 30, 48, 50,
                                               Fraction(60000, 1001), 60, 100, Fraction(120000, 1001), 120))
SNAP_TOLERANCE = 0.02
#: FFmpeg's AVFieldOrder values by name (the first letter is the field coded first, the second the one shown first).
FIELD_ORDERS = {1: "progressive", 2: "tt", 3: "bb", 4: "tb", 5: "bt"}


def nominal_rate(rate: Fraction) -> Fraction:
    """``rate`` snapped to the nearest standard rate when within 2 %, else unchanged."""
    nearest = min(STANDARD_RATES, key=lambda r: abs(r - rate))
    return nearest if abs(nearest - rate) <= SNAP_TOLERANCE * nearest else Fraction(rate)


def conform_map(pts: list[int], time_base: Fraction, fps: Fraction) -> list[int] | None:
    """For each frame number ``n`` (0..), the index of the picture shown then; None when the timing is constant.

    Args:
        pts: presentation timestamps of every picture, ascending.
        time_base: seconds per timestamp unit.
        fps: the constant rate to conform to.
    """
    if len(pts) < 2:
        return None
    numbers = [round((p - pts[0]) * time_base * fps) for p in pts]
    if numbers == list(range(len(pts))):
        return None  # one picture per frame: constant rate, nothing to conform
    return [bisect.bisect_right(numbers, n) - 1 for n in range(numbers[-1] + 1)]
