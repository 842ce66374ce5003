"""Write one scanline EXR part with the OpenEXR library's own bindings (the ``OpenEXR`` package, OpenEXRCore).

Plates and composites are written here, not through OpenImageIO: the same DWAA:45 1080p close-up plate costs
~15-17 ms CPU against ~19-22 through OpenImageIO 3.2 (the same samples read back; see README, known limits).
OpenImageIO still reads every EXR. The header is given by EXR attribute names (``owner``, ``capDate``, ...), the
pixels as one C-contiguous ``(h, w)`` plane per channel: the bindings ignore a plane's strides (a strided view is
written scrambled, without an error), so :func:`write_exr` refuses any other.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import OpenEXR

from ned_core.exceptions import PlateWriteError

#: Our compression names (:data:`ned_core.io.exr_compression.COMPRESSIONS`) -> OpenEXR's.
_COMPRESSION = {"none": OpenEXR.NO_COMPRESSION, "rle": OpenEXR.RLE_COMPRESSION, "zips": OpenEXR.ZIPS_COMPRESSION,
                "zip": OpenEXR.ZIP_COMPRESSION, "piz": OpenEXR.PIZ_COMPRESSION, "pxr24": OpenEXR.PXR24_COMPRESSION,
                "dwaa": OpenEXR.DWAA_COMPRESSION, "dwab": OpenEXR.DWAB_COMPRESSION}
#: Planes' sample types the file stores: numpy float16 -> HALF, float32 -> FLOAT.
_SAMPLE_TYPES = (np.dtype(np.float16), np.dtype(np.float32))


def window_header(window: tuple[int, int, int, int], display_size: tuple[int, int]) -> dict[str, object]:
    """``dataWindow``/``displayWindow`` for a data window ``(x0, y0, x1, y1)`` (exclusive ends) in a display window
    ``(W, H)`` starting at (0, 0); EXR boxes are inclusive."""
    x0, y0, x1, y1 = (int(v) for v in window)
    width, height = (int(v) for v in display_size)
    return {"dataWindow": (np.array([x0, y0], np.int32), np.array([x1 - 1, y1 - 1], np.int32)),
            "displayWindow": (np.array([0, 0], np.int32), np.array([width - 1, height - 1], np.int32))}


def compression_header(method: str, level: int | None) -> dict[str, object]:
    """``compression`` (and ``dwaCompressionLevel`` for DWA, as a float, as OpenImageIO wrote it) for a method and
    level as :func:`ned_core.io.exr_compression.parse_compression` returns them."""
    header: dict[str, object] = {"compression": _COMPRESSION[method]}
    if level is not None:
        header["dwaCompressionLevel"] = float(level)
    return header


def write_exr(path: Path, header: dict[str, object], planes: dict[str, np.ndarray], where: str) -> None:
    """Write a single-part scanline EXR, increasing-Y, without OpenEXR's thread pool (plates are written on their
    own threads; the bindings release the GIL while they encode).

    Args:
        path: The file to write (a temporary one: see :class:`ned_core.io.atomic.StagedFile`).
        header: EXR attributes by their EXR names, ``dataWindow`` and ``displayWindow`` included (see
            :func:`window_header`, :func:`compression_header`); ``str``, ``int`` (32-bit), ``float`` (32-bit),
            ``Fraction`` (rational) or ``OpenEXR.TimeCode`` values.
        planes: Channel name -> C-contiguous ``(h, w)`` float16 (half) or float32 (float) samples, ``h``/``w`` the
            data window's.
        where: The file and frame, for error messages.

    Raises:
        PlateWriteError: A plane that is not a C-contiguous ``(h, w)`` float16/float32 array, or OpenEXR failed.
        OSError: The file system failed (the caller names a full disk).
    """
    (x0, y0), (x1, y1) = header["dataWindow"]
    shape = (int(y1 - y0 + 1), int(x1 - x0 + 1))
    for name, plane in planes.items():
        if plane.shape != shape or plane.dtype not in _SAMPLE_TYPES or not plane.flags.c_contiguous:
            raise PlateWriteError(f"{where}: channel {name!r} must be a C-contiguous {shape} float16 or float32 "
                                  f"array, got {plane.shape} {plane.dtype} (contiguous: {plane.flags.c_contiguous})")
    exr = OpenEXR.File({**header, "lineOrder": OpenEXR.INCREASING_Y}, planes,
                       num_threads=0)
    try:
        exr.write(str(path))
    except RuntimeError as e:
        raise PlateWriteError(f"{where}: write failed: {' '.join(str(e).split())}") from e
