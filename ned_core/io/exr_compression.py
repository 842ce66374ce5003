"""EXR compression names for face plates, validated before writing (OpenImageIO silently falls back to ZIP)."""

from __future__ import annotations

import re

from ned_core.exceptions import PlateCompressionError

#: Methods the plate writer offers, all readable by OpenEXR 2.x+ hosts. ``dwaa``/``dwab`` are lossy
#: on R/G/B-suffixed channels and exact on ``A`` channels (so masks stay exact); the rest are
#: lossless for half data. B44/B44A (lossy on every half channel, masks included) and the
#: OpenEXR 3.4+ methods (HTJ2K, zstd; unverified in hosts) are deliberately not offered.
LOSSLESS = ("none", "rle", "zips", "zip", "piz", "pxr24")
DWA = ("dwaa", "dwab")
COMPRESSIONS = LOSSLESS + DWA
DWA_DEFAULT_LEVEL = 45
DWA_MAX_LEVEL = 1000

_FORM = re.compile(r"^([a-z0-9]+)(?::(\d+))?$")


def parse_compression(text: str) -> tuple[str, int | None]:
    """Split ``"dwaa:45"`` into ``("dwaa", 45)``; a DWA name without level gets the default 45.

    Args:
        text: A method name from :data:`COMPRESSIONS`, case-insensitive; ``dwaa``/``dwab`` may carry
            an integer level ``1..1000`` after a colon (OpenImageIO truncates fractional levels).

    Returns:
        The lower-case method name and its level (``None`` for methods without a level).

    Raises:
        PlateCompressionError: Unknown method, a level on a method that takes none, or a level out of range.
    """
    m = _FORM.match(str(text).strip().lower())
    if not m or m.group(1) not in COMPRESSIONS:
        raise PlateCompressionError(
            f"unknown EXR compression {text!r}; use one of {', '.join(COMPRESSIONS)} (DWA as e.g. 'dwaa:45')")
    name, level = m.group(1), m.group(2)
    if name not in DWA:
        if level is not None:
            raise PlateCompressionError(f"EXR compression {name!r} takes no level, got {text!r}")
        return name, None
    value = DWA_DEFAULT_LEVEL if level is None else int(level)
    if not 1 <= value <= DWA_MAX_LEVEL:
        raise PlateCompressionError(
            f"DWA compression level must be an integer in 1..{DWA_MAX_LEVEL}, got {text!r}")
    return name, value


def compression_label(name: str, level: int | float | None) -> str:
    """``("dwaa", 45)`` -> ``"dwaa:45"``; ``("zip", None)`` -> ``"zip"`` (the form OpenImageIO accepts)."""
    return name if level is None else f"{name}:{int(level)}"
