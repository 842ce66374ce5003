"""Plate file names: ``{stem}`` and ``####`` in a pattern -> the path of one frame's plate."""

from __future__ import annotations

import re
from pathlib import Path

from ned_core.exceptions import RenderJobError
from ned_core.io.plate_source import PlateInfo
from ned_core.pipeline.request import RenderRequest

_HASHES = re.compile(r"#+")


def source_stem(info: PlateInfo) -> str:
    """The shot's name without frame numbers or extension: ``plate.####.exr`` -> ``plate``."""
    name = Path(info.path).name
    stem = re.split(r"[.#%@$]", name, maxsplit=1)[0]
    return stem or "shot"


def plate_path(request: RenderRequest, info: PlateInfo, frame: int, kind: str = "plate") -> Path:
    """Where frame ``frame``'s plate (``kind="plate"``) or full-frame composite (``"comp"``) goes.

    ``request.pattern`` holds one run of ``#`` (padding width; numbers longer than it are kept whole,
    negative frames get a minus sign) and may use ``{stem}``; it must end in ``.exr``. Composites go
    to the ``composite/`` subfolder under the same name.
    """
    pattern = request.pattern
    runs = _HASHES.findall(pattern)
    if len(runs) != 1 or not pattern.endswith(".exr") or "/" in pattern:
        raise RenderJobError(f"plate pattern {pattern!r}: expected a file name with one run of '#' ending in "
                             ".exr, e.g. '{stem}.ned.####.exr'")
    number = f"{frame:0{len(runs[0])}d}" if frame >= 0 else f"-{-frame:0{len(runs[0])}d}"
    name = _HASHES.sub(number, pattern).replace("{stem}", source_stem(info))
    folder = Path(request.out_dir) if kind == "plate" else Path(request.out_dir) / "composite"
    return folder / name
