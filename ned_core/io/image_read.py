"""Read one image file with OpenImageIO: header (size, type, fps, timecode) and RGB/alpha pixels."""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import cv2
import numpy as np
import OpenImageIO as oiio

from ned_core.exceptions import FrameReadError, ImageSizeError, PlateMetadataError, UnsupportedFormatError
from ned_core.io.exr_metadata import fps_fraction
from ned_core.io.confined import readable_input
from ned_core.io.exr_timecode import unpack_timecode
from ned_core.io.native_stderr import without_libpng_lines
from ned_core.io.plate_source import PixelType, RawFrame, check_size

log = logging.getLogger(__name__)

#: Largest width or height accepted (16K); bigger images raise :class:`ImageSizeError`.
MAX_IMAGE_SIZE = 16384
#: Extensions read through OpenImageIO (lower case, with the dot).
IMAGE_EXTENSIONS = frozenset({".exr", ".sxr", ".mxr", ".dpx", ".cin", ".tif", ".tiff", ".png", ".jpg", ".jpeg",
                              ".jpe", ".tga", ".bmp", ".hdr", ".jp2", ".j2k", ".webp", ".sgi", ".rgb"})
_PIXEL_TYPES: dict[str, PixelType] = {"uint8": "uint8", "uint16": "uint16", "half": "half", "float": "float",
                                      "double": "float"}
# OpenImageIO's own open-time size checks (ImageInput::check_open) report sizes in these words.
_OIIO_SIZE_ERRORS = ("resolution must be at least", "limits:resolution")
_FPS_ATTRIBUTES = ("FramesPerSecond", "dpx:FrameRate", "dpx:TemporalFrameRate")


@dataclass(frozen=True)
class ImageHeader:
    """What one image file declares, read without decoding pixels.

    Attributes:
        width: Display-window width.
        height: Display-window height.
        channels: 1 (grey), 2 (grey + alpha), 3 (RGB) or 4 (RGBA).
        pixel_type: Sample type of the file.
        fps: ``framesPerSecond`` / DPX frame rate, if recorded.
        timecode: SMPTE ``timeCode`` of this image (EXR, DPX), if recorded.
        interop_id: OpenEXR ``colorInteropID`` (e.g. ``"lin_rec709_scene"``), if recorded.
    """

    width: int
    height: int
    channels: int
    pixel_type: PixelType
    fps: Fraction | None
    timecode: str | None
    interop_id: str | None


def _quiet(path: Path) -> contextlib.AbstractContextManager:
    """libpng's own stderr lines are dropped while a PNG is read (the error we raise says what failed)."""
    return without_libpng_lines() if path.suffix.lower() == ".png" else contextlib.nullcontext()


def _open(path: Path, where: str) -> oiio.ImageInput:
    hint = oiio.ImageSpec()
    hint.attribute("oiio:UnassociatedAlpha", 1)  # straight alpha stays straight; we premultiply after linearising
    with readable_input(path) as readable:  # a confined process (render node worker) re-checks it now
        inp = oiio.ImageInput.open(readable, hint)
    if inp is None:
        message = oiio.geterror() or "unknown OpenImageIO error"
        if not path.is_file():
            raise FrameReadError(f"{where}: file is missing or not a regular file ({path})")
        if any(word in message for word in _OIIO_SIZE_ERRORS):
            raise ImageSizeError(f"{where}: image size not supported: {message.strip()}")
        detail = "; ".join(line.strip() for line in message.splitlines() if line.strip())  # one line
        raise FrameReadError(f"{where}: cannot open: {detail} (corrupt or truncated?)")
    return inp


def _layout(spec: oiio.ImageSpec, where: str) -> tuple[tuple[int, ...], int | None]:
    """Indices of the colour channels (1 or 3) and of alpha (or ``None``) in ``spec``."""
    names = list(spec.channelnames)
    alpha = names.index("A") if "A" in names else (spec.alpha_channel if spec.alpha_channel >= 0 else None)
    colour = [i for i in range(spec.nchannels) if i != alpha]
    if all(c in names for c in "RGB"):
        return tuple(names.index(c) for c in "RGB"), alpha
    if "Y" in names and not ("X" in names and "Z" in names):
        return (names.index("Y"),), alpha
    if len(colour) in (1, 3) and not any("." in n for n in names):
        return tuple(colour), alpha
    raise UnsupportedFormatError(f"{where}: no R,G,B or Y channels (channels: {', '.join(names)}); "
                                 "layered EXRs need their beauty pass in plain R, G, B(, A)")


def _check_size(width: int, height: int, where: str) -> None:
    if width < 1 or height < 1 or width > MAX_IMAGE_SIZE or height > MAX_IMAGE_SIZE:
        raise ImageSizeError(f"{where}: image is {width}x{height}; sizes from 1x1 to "
                             f"{MAX_IMAGE_SIZE}x{MAX_IMAGE_SIZE} are supported")


def _fps(spec: oiio.ImageSpec) -> Fraction | None:
    for name in _FPS_ATTRIBUTES:
        value = spec.getattribute(name)
        if isinstance(value, tuple):  # EXR rational (numerator, denominator): exact
            if value[0] > 0 and value[1] > 0:
                return Fraction(value[0], value[1])
        elif isinstance(value, (int, float)) and 0 < value < 1000:  # DPX "undefined" reads as NaN or huge
            return fps_fraction(value)
    return None


def _timecode(spec: oiio.ImageSpec, where: str) -> str | None:
    value = spec.getattribute("smpte:TimeCode")
    if value is None:
        return None
    try:
        return str(unpack_timecode(int(value[0])))
    except PlateMetadataError as e:
        log.warning("%s: ignoring unreadable timeCode: %s", where, e)
        return None


def read_header(path: Path, where: str) -> ImageHeader:
    """Read the header of ``path`` (``where`` labels errors, e.g. ``"shot.1001.exr frame 1001"``).

    Raises:
        FrameReadError: The file cannot be opened (missing, corrupt, truncated header).
        ImageSizeError: The image is empty or larger than :data:`MAX_IMAGE_SIZE`.
        UnsupportedFormatError: The sample type or channel layout is not supported.
    """
    with _quiet(path):
        inp = _open(path, where)
    try:
        spec = inp.spec()
        _check_size(spec.full_width, spec.full_height, where)
        pixel_type = _PIXEL_TYPES.get(str(spec.format))
        if pixel_type is None:
            raise UnsupportedFormatError(f"{where}: {spec.format} samples are not supported "
                                         "(uint8, uint16, half, float)")
        colour, alpha = _layout(spec, where)
        interop = spec.get_string_attribute("colorInteropID") or None
        return ImageHeader(spec.full_width, spec.full_height, len(colour) + (alpha is not None), pixel_type,
                           _fps(spec), _timecode(spec, where), interop)
    finally:
        inp.close()


def _channels(data: np.ndarray, pick: list[int]) -> np.ndarray:
    """(H, W, len(pick)) C-contiguous copy of the picked channels of ``data`` (its sample type), without temporaries."""
    out = np.empty(data.shape[:2] + (len(pick),), data.dtype)
    for i, channel in enumerate(pick):
        out[..., i] = data[..., channel]
    return out


def float32_copy(samples: np.ndarray) -> np.ndarray:
    """A fresh C-contiguous float32 copy of float16 or float32 samples ``(h, ...)``. Half samples are widened by
    OpenCV: the same values as numpy's ``astype`` (NaNs stay NaN), at a tenth of its CPU (a 1080p RGB frame ~10 ->
    ~1 ms)."""
    if samples.dtype != np.float16:
        return np.array(samples, np.float32, order="C", copy=True)
    half = np.ascontiguousarray(samples)
    return cv2.convertFp16(half.reshape(half.shape[0], -1)).reshape(half.shape)


def _read_rows(inp: oiio.ImageInput, spec: oiio.ImageSpec, rows: tuple[int, int],
               channels: tuple[int, int]) -> np.ndarray | None:
    """Rows ``[y0, y1)`` of the data window, channels ``[first, last)``: ``(y1 - y0, data width, last - first)``
    float32 or float16 (None where OpenImageIO failed). A tiled file decodes the rows of tiles that hold them."""
    (y0, y1), (first, last) = rows, channels
    # half samples are read as they are and widened by float32_copy (exact; ~15% less CPU than OpenImageIO's
    # conversion with numpy's, a fraction of it with OpenCV's)
    kind = "half" if all(str(spec.channelformat(c)) == "half" for c in range(first, last)) else "float"
    top, bottom = spec.y, spec.y + spec.height
    if (y0, y1) == (top, bottom):
        return inp.read_image(0, 0, first, last, kind)
    if spec.tile_height <= 0:
        return inp.read_scanlines(0, 0, y0, y1, 0, first, last, kind)
    tile = spec.tile_height
    t0, t1 = top + (y0 - top) // tile * tile, min(bottom, top + -(-(y1 - top) // tile) * tile)
    data = inp.read_tiles(0, 0, spec.x, spec.x + spec.width, t0, t1, 0, 1, first, last, kind)
    return None if data is None else data.reshape(t1 - t0, spec.width, last - first)[y0 - t0:y1 - t0]


def read_pixels(path: Path, where: str, box: tuple[int, int, int, int] | None = None,
                shot_size: tuple[int, int] | None = None, widen: bool = True) -> RawFrame:
    """Decode ``path`` into its display window, or only ``box`` of it: (h, w, 3) float32 RGB (grey replicated) and
    alpha.

    Pixels outside the data window are 0; data outside the display window (overscan) is cropped.
    Integer samples are scaled to 0-1. Values stay in the file's colour space. With ``box`` only the scanlines it
    spans are decoded (an EXR decodes the chunks of rows holding them): the same values as the whole frame's pixels
    inside ``box``, at a fraction of the cost for a face window.

    Args:
        path: The image file.
        where: Labels errors, e.g. ``"shot.1001.exr frame 1001"``.
        box: ``(x0, y0, x1, y1)`` (exclusive) inside the display window, whose top-left is (0, 0); None = all of it.
        shot_size: ``(width, height)`` the display window must have, or None.
        widen: False leaves the samples of a file whose channels are all half as they are: ``rgb`` and ``alpha`` are
            then float16 (held as they are, they cost half the memory; :func:`float32_copy` widens them exactly).

    Raises:
        FrameReadError: The file is corrupt or truncated, or its size is not ``shot_size`` (``where`` names it).
        ImageSizeError, UnsupportedFormatError: As :func:`read_header`.
    """
    with _quiet(path):
        inp = _open(path, where)
    try:
        spec = inp.spec()
        _check_size(spec.full_width, spec.full_height, where)
        _check_size(spec.width, spec.height, where)
        if shot_size is not None:
            check_size((spec.full_width, spec.full_height), shot_size, where)
        colour, alpha = _layout(spec, where)
        wanted = colour + ((alpha,) if alpha is not None else ())
        first, last = min(wanted), max(wanted) + 1
        bx0, by0, bx1, by1 = box if box is not None else (0, 0, spec.full_width, spec.full_height)
        # the part of the box the data window holds, in the file's pixel coordinates
        x0, y0 = max(spec.full_x + bx0, spec.x), max(spec.full_y + by0, spec.y)
        x1, y1 = min(spec.full_x + bx1, spec.x + spec.width), min(spec.full_y + by1, spec.y + spec.height)
        data = None
        if x0 < x1 and y0 < y1:
            with _quiet(path):
                data = _read_rows(inp, spec, (y0, y1), (first, last))
            if data is None or inp.has_error:
                raise FrameReadError(f"{where}: cannot decode pixels: "
                                     f"{inp.geterror().strip() or 'no data'} (corrupt or truncated?)")
        straight = bool(spec.getattribute("oiio:UnassociatedAlpha"))
    finally:
        inp.close()
    pick = [c - first for c in colour] * (3 // len(colour))  # grey -> R, G, B
    straight = straight and alpha is not None
    height, width = by1 - by0, bx1 - bx0
    if data is not None:
        data = data.reshape(y1 - y0, spec.width, last - first)
        if (x0, x1) != (spec.x, spec.x + spec.width):
            data = data[:, x0 - spec.x:x1 - spec.x]
        if data.dtype == np.float16 and widen:
            data = float32_copy(data)
    dtype = np.float32 if data is None else data.dtype
    if data is not None and data.shape[:2] == (height, width):
        # The data window covers the box (almost every file): no canvas, at most one copy.
        whole = data.flags.c_contiguous and pick == [0, 1, 2] and data.shape[2] == 3
        rgb = np.ascontiguousarray(data, dtype) if whole else _channels(data, pick)
        alpha_out = np.ascontiguousarray(data[..., alpha - first], dtype) if alpha is not None else None
        return RawFrame(rgb=rgb, alpha=alpha_out, straight_alpha=straight)
    rgb = np.zeros((height, width, 3), dtype)
    alpha_out = np.zeros((height, width), dtype) if alpha is not None else None
    if data is not None:
        top, left = spec.full_y + by0, spec.full_x + bx0  # the box's corner in the file's pixel coordinates
        dst = (slice(y0 - top, y1 - top), slice(x0 - left, x1 - left))
        rgb[dst] = data[..., pick]
        if alpha_out is not None:
            alpha_out[dst] = data[..., alpha - first]
    return RawFrame(rgb=rgb, alpha=alpha_out, straight_alpha=straight)
