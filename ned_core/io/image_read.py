"""Read one image file with OpenImageIO: header (size, type, fps, timecode) and RGB/alpha pixels."""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np
import OpenImageIO as oiio

from ned_core.exceptions import FrameReadError, ImageSizeError, PlateMetadataError, UnsupportedFormatError
from ned_core.io.exr_metadata import fps_fraction
from ned_core.io.confined import readable_input
from ned_core.io.exr_timecode import unpack_timecode
from ned_core.io.native_stderr import without_libpng_lines
from ned_core.io.plate_source import PixelType, RawFrame

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
    """(H, W, len(pick)) C-contiguous copy of the picked channels of ``data``, without temporaries."""
    out = np.empty(data.shape[:2] + (len(pick),), np.float32)
    for i, channel in enumerate(pick):
        out[..., i] = data[..., channel]
    return out


def read_pixels(path: Path, where: str) -> RawFrame:
    """Decode ``path`` into its display window: (H, W, 3) float32 RGB (grey replicated) and alpha.

    Pixels outside the data window are 0; data outside the display window (overscan) is cropped.
    Integer samples are scaled to 0-1. Values stay in the file's colour space.

    Raises:
        FrameReadError: The file is corrupt or truncated (``where`` names it).
        ImageSizeError, UnsupportedFormatError: As :func:`read_header`.
    """
    with _quiet(path):
        inp = _open(path, where)
    try:
        spec = inp.spec()
        _check_size(spec.full_width, spec.full_height, where)
        _check_size(spec.width, spec.height, where)
        colour, alpha = _layout(spec, where)
        wanted = colour + ((alpha,) if alpha is not None else ())
        first, last = min(wanted), max(wanted) + 1
        with _quiet(path):
            data = inp.read_image(0, 0, first, last, "float")
        if data is None or inp.has_error:
            raise FrameReadError(f"{where}: cannot decode pixels: "
                                 f"{inp.geterror().strip() or 'no data'} (corrupt or truncated?)")
        straight = bool(spec.getattribute("oiio:UnassociatedAlpha"))
    finally:
        inp.close()
    data = data.reshape(spec.height, spec.width, last - first)
    pick = [c - first for c in colour] * (3 // len(colour))  # grey -> R, G, B
    straight = straight and alpha is not None
    if (spec.x, spec.y, spec.width, spec.height) == (spec.full_x, spec.full_y, spec.full_width, spec.full_height):
        # Data window = display window (almost every file): no canvas, at most one copy.
        rgb = data if pick == [0, 1, 2] and data.shape[2] == 3 else _channels(data, pick)
        alpha_out = np.ascontiguousarray(data[..., alpha - first]) if alpha is not None else None
        return RawFrame(rgb=rgb, alpha=alpha_out, straight_alpha=straight)
    height, width = spec.full_height, spec.full_width
    rgb = np.zeros((height, width, 3), np.float32)
    alpha_out = np.zeros((height, width), np.float32) if alpha is not None else None
    # Overlap of the data window with the display window, in display and in data coordinates.
    x0, y0 = max(spec.x, spec.full_x), max(spec.y, spec.full_y)
    x1 = min(spec.x + spec.width, spec.full_x + width)
    y1 = min(spec.y + spec.height, spec.full_y + height)
    if x0 < x1 and y0 < y1:
        src = data[y0 - spec.y:y1 - spec.y, x0 - spec.x:x1 - spec.x]
        dst = (slice(y0 - spec.full_y, y1 - spec.full_y), slice(x0 - spec.full_x, x1 - spec.full_x))
        rgb[dst] = src[..., pick]
        if alpha_out is not None:
            alpha_out[dst] = src[..., alpha - first]
    return RawFrame(rgb=rgb, alpha=alpha_out, straight_alpha=straight)
