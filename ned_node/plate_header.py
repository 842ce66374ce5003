"""Read a written plate's windows and channel names (header only) for its ``frame_result`` event."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import OpenImageIO as oiio

from ned_core.exceptions import PlateInspectError

Window = tuple[int, int, int, int]


def _open(path: Path | str) -> oiio.ImageInput:
    inp = oiio.ImageInput.open(str(path))
    if inp is None:
        raise PlateInspectError(f"{path}: cannot open the written plate: {oiio.geterror()}")
    return inp


def _windows(spec: oiio.ImageSpec) -> tuple[Window, Window]:
    display = (spec.full_x, spec.full_y, spec.full_x + spec.full_width - 1, spec.full_y + spec.full_height - 1)
    data = (spec.x, spec.y, spec.x + spec.width - 1, spec.y + spec.height - 1)
    return display, data


def read_plate_header(path: Path | str) -> tuple[Window, Window, tuple[str, ...]]:
    """Display and data windows (inclusive ``(xmin, ymin, xmax, ymax)``) and channel names of an EXR.

    Raises:
        PlateInspectError: the file cannot be opened.
    """
    inp = _open(path)
    try:
        spec = inp.spec()
        return (*_windows(spec), tuple(spec.channelnames))
    finally:
        inp.close()


def read_plate_pixels(path: Path | str) -> np.ndarray:
    """Every channel of an EXR's data window, in file order: ``(h, w, C) float16``, C-contiguous.

    Raises:
        PlateInspectError: the file cannot be opened or decoded.
    """
    inp = _open(path)
    try:
        spec = inp.spec()
        pixels = inp.read_image(0, 0, 0, spec.nchannels, "half")
        if pixels is None:
            raise PlateInspectError(f"{path}: cannot read the plate's pixels: {inp.geterror()}")
        return np.ascontiguousarray(pixels.reshape(spec.height, spec.width, spec.nchannels))
    finally:
        inp.close()
