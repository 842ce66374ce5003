"""Shared fixtures for the plate-input tests: real images, sequences and movies written to tmp_path."""

from __future__ import annotations

import sys
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import OpenImageIO as oiio
import pytest
import skimage.data
from av.video.reformatter import ColorRange, Colorspace

if str(Path(__file__).parent) not in sys.path:  # movie_builders, importable by the media tests
    sys.path.insert(0, str(Path(__file__).parent))

SEQ_FIRST, SEQ_LAST = 1001, 1010
SEQ_FPS = Fraction(24000, 1001)
MOVIE_FRAMES, MOVIE_FPS, MOVIE_TC = 60, Fraction(25), "10:00:00:00"
_OIIO_TYPES = {"uint8": "uint8", "uint16": "uint16", "float16": "half", "float32": "float"}


def pack_tc(hours: int, minutes: int, seconds: int, frames: int) -> int:
    """BCD timecode word as EXR/DPX store it (frames 0-5 bits, seconds 8-14, minutes 16-22, hours 24-29)."""
    bcd = [(v // 10) << 4 | v % 10 for v in (frames, seconds, minutes, hours)]
    return bcd[0] | bcd[1] << 8 | bcd[2] << 16 | bcd[3] << 24


def write_image(path: Path, pixels: np.ndarray, attrs: dict | None = None, fmt: str | None = None,
                channelnames: tuple[str, ...] | None = None, straight_alpha: bool = False) -> Path:
    """Write ``pixels`` (H, W, C) or (H, W) with OpenImageIO; the file format follows the extension.

    ``attrs`` maps attribute names to a value or to ``(OIIO type name, value)``.
    """
    pixels = pixels if pixels.ndim == 3 else pixels[..., None]
    height, width, nch = pixels.shape
    spec = oiio.ImageSpec(width, height, nch, fmt or _OIIO_TYPES[pixels.dtype.name])
    if channelnames:
        spec.channelnames = channelnames
    if straight_alpha:
        spec.attribute("oiio:UnassociatedAlpha", 1)
    for name, value in (attrs or {}).items():  # value, or (OIIO type name, value)
        if isinstance(value, tuple):
            spec.attribute(name, oiio.TypeDesc(value[0]), value[1])
        else:
            spec.attribute(name, value)
    out = oiio.ImageOutput.create(str(path))
    assert out is not None and out.open(str(path), spec), oiio.geterror()
    assert out.write_image(pixels), out.geterror()
    out.close()
    return path


def frame_image(number: int, height: int = 48, width: int = 64) -> np.ndarray:
    """A real photo crop, (H, W, 3) uint8, with frame ``number`` coded into its top-left 8x8 block."""
    image = skimage.data.astronaut()[100:100 + height, 180:180 + width].copy()
    image[:8, :8] = (number * 7) % 256
    return image


@pytest.fixture(scope="session")
def astronaut() -> np.ndarray:
    """(96, 128, 3) uint8 crop of ``skimage.data.astronaut()`` around the face."""
    return skimage.data.astronaut()[40:136, 160:288].copy()


@pytest.fixture
def exr_sequence(tmp_path: Path, astronaut: np.ndarray) -> Path:
    """Half RGBA EXRs ``shot.1001.exr``..``shot.1010.exr`` with fps 24000/1001 and timecodes 01:00:00:00+.

    Frame n holds the astronaut in linear light times (n - 1000) / 10, alpha 1.
    """
    linear = (astronaut.astype(np.float32) / 255.0) ** 2.2
    for n in range(SEQ_FIRST, SEQ_LAST + 1):
        rgba = np.dstack([linear * (n - 1000) / 10.0, np.ones(linear.shape[:2], np.float32)])
        attrs = {"framesPerSecond": ("rational", (SEQ_FPS.numerator, SEQ_FPS.denominator)),
                 "smpte:TimeCode": ("timecode", (pack_tc(1, 0, 0, n - SEQ_FIRST), 0))}
        write_image(tmp_path / f"shot.{n:04d}.exr", rgba.astype(np.float16), attrs)
    return tmp_path / "shot.####.exr"


def write_movie(path: Path, count: int = MOVIE_FRAMES, rate: Fraction = MOVIE_FPS, timecode: str | None = MOVIE_TC,
                codec: str = "libx264", pix_fmt: str = "yuv444p", options: dict | None = None,
                alpha: bool = False) -> Path:
    """Write ``count`` frames of :func:`frame_image` (BT.709 tagged for YUV codecs) with a timecode tag."""
    with av.open(str(path), "w") as container:
        stream = container.add_stream(codec, rate=rate)
        stream.width, stream.height, stream.pix_fmt = 64, 48, pix_fmt
        stream.options = options if options is not None else ({"crf": "0"} if codec == "libx264" else {})
        yuv = pix_fmt.startswith("yuv")
        if yuv:
            stream.codec_context.colorspace = Colorspace.ITU709
            stream.codec_context.color_range = ColorRange.MPEG
        if timecode:
            stream.metadata["timecode"] = timecode
        for i in range(count):
            image = frame_image(i)
            if alpha:
                image = np.dstack([image, np.full(image.shape[:2], 4 * i % 256, np.uint8)])
            frame = av.VideoFrame.from_ndarray(image, format="rgba" if alpha else "rgb24")
            if yuv:
                frame = frame.reformat(format=pix_fmt, dst_colorspace=Colorspace.ITU709,
                                       dst_color_range=ColorRange.MPEG)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


@pytest.fixture
def movie(tmp_path: Path) -> Path:
    """``clip.mp4``: 60 frames 64x48 H.264 4:4:4 (crf 0, BT.709), 25 fps, timecode 10:00:00:00."""
    return write_movie(tmp_path / "clip.mp4")


@pytest.fixture
def image_writer() -> Callable[..., Path]:
    """:func:`write_image` for tests: ``image_writer(path, pixels, attrs=None, fmt=None, ...)``."""
    return write_image


@pytest.fixture
def numbered_image() -> Callable[..., np.ndarray]:
    """:func:`frame_image`: ``numbered_image(number, height=48, width=64)``."""
    return frame_image


@pytest.fixture
def movie_writer() -> Callable[..., Path]:
    """:func:`write_movie` for tests: ``movie_writer(path, count=60, rate=25, timecode=..., codec=...)``."""
    return write_movie
