"""What a plate reader returns: shot description, working-space frames, and the lazy source base class."""

from __future__ import annotations

import abc
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from fractions import Fraction
from typing import Literal

import cv2
import fileseq
import numpy as np

from ned_core.exceptions import FrameRangeError, FrameReadError, ShapeError, SourceClosedError
from ned_core.io.colour import ColourTransforms, quantise8, unit_scale

PixelType = Literal["uint8", "uint16", "half", "float"]


@dataclass(frozen=True)
class PlateInfo:
    """Description of an opened shot.

    Attributes:
        path: The source as opened: movie or still path, or sequence pattern (absolute).
        kind: ``"sequence"``, ``"movie"`` or ``"still"``.
        frames: Frame numbers in the shot, ascending: a sequence's own numbers (1001 stays 1001);
            movies count from ``start_frame`` (default 0); a still has one frame.
        width: Image width in pixels (EXR: the display window).
        height: Image height in pixels (EXR: the display window).
        channels: Channels read from the source: 1 (grey), 2 (grey + alpha), 3 (RGB) or 4 (RGBA);
            other channels (AOVs, depth) are ignored.
        pixel_type: Source sample type: ``"uint8"``, ``"uint16"`` (also 10/12-bit), ``"half"`` or ``"float"``.
        fps: Frame rate when the source records one (EXR ``framesPerSecond``, DPX, movie stream rate).
        timecode: SMPTE timecode of the first frame in ``frames``, ``"HH:MM:SS:FF"`` (``;FF`` for
            drop-frame), when the source records one.
        colourspace: OpenColorIO name of the source's colour space.
        field_order: a movie's field order (``"progressive"``, ``"tt"``, ``"bb"``, ``"tb"``, ``"bt"``) when the
            file records it, ``"interlaced"`` when only its pictures say so; interlaced frames are read as they are stored (never deinterlaced).
        variable_rate: a movie with variable frame timing, its frames numbered from their timestamps at ``fps``.
    """

    path: str
    kind: Literal["sequence", "movie", "still"]
    frames: tuple[int, ...]
    width: int
    height: int
    channels: int
    pixel_type: PixelType
    fps: Fraction | None
    timecode: str | None
    colourspace: str
    field_order: str | None = None
    variable_rate: bool = False

    @property
    def has_alpha(self) -> bool:
        """Whether frames carry an alpha channel."""
        return self.channels in (2, 4)


@dataclass(frozen=True)
class Frame:
    """One decoded frame, or a window of it.

    Attributes:
        number: Frame number (see :attr:`PlateInfo.frames`).
        rgb: (h, w, 3) float32 in the working space (scene-linear), premultiplied by ``alpha`` when
            there is one (sources with straight alpha are premultiplied after linearisation). The whole
            frame (h, w = H, W) unless a window was read.
        alpha: (h, w) float32 coverage, or ``None`` when the source has no alpha.
        origin: (x, y) of ``rgb``'s top-left pixel in the frame: (0, 0) for a whole frame.
    """

    number: int
    rgb: np.ndarray
    alpha: np.ndarray | None
    origin: tuple[int, int] = (0, 0)


@dataclass(frozen=True)
class RawFrame:
    """Pixels as decoded, before colour management.

    Attributes:
        rgb: (H, W, 3) float32 in the source colour space (integer sources scaled to 0-1), C-contiguous.
        alpha: (H, W) float32 or ``None``.
        straight_alpha: ``True`` when ``rgb`` is not premultiplied by ``alpha`` (PNG, most movies).
    """

    rgb: np.ndarray
    alpha: np.ndarray | None
    straight_alpha: bool


@functools.cache
def _srgb8_of_codes16() -> np.ndarray:
    """``(65536,) uint8``: what :func:`quantise8` gives for each 16-bit code scaled to 0-1 (a table lookup is the
    same, element by element, at a fraction of the float path's cost on a UHD frame)."""
    return quantise8(unit_scale(np.arange(65536, dtype=np.uint16)))


def srgb8_of_codes(codes: np.ndarray) -> np.ndarray:
    """``(..., 3) uint8/uint16`` codes of a display-referred (sRGB) source -> display ``uint8`` (8-bit codes are
    returned as they are; 16-bit ones are quantised as :func:`quantise8` does)."""
    return codes if codes.dtype == np.uint8 else _srgb8_of_codes16()[codes]


def _box_average(image: np.ndarray, factor: int) -> np.ndarray:
    """``(H, W, C)`` ``image`` box-averaged by the whole ``factor`` (a divisor of H and W)."""
    return cv2.resize(image, (image.shape[1] // factor, image.shape[0] // factor), interpolation=cv2.INTER_AREA)


def union_box(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """The smallest ``(x0, y0, x1, y1)`` box holding boxes ``a`` and ``b``."""
    return min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])


def clip_window(window: tuple[int, int, int, int], size: tuple[int, int], where: str) -> tuple[int, int, int, int]:
    """``window`` ``(x0, y0, x1, y1)`` (exclusive) clipped to a ``(width, height)`` frame (what :func:`crop_frame`
    and a windowed read return).

    Raises:
        FrameRangeError: the window does not overlap the frame (``where`` names the frame).
    """
    width, height = size
    x0, y0 = max(int(window[0]), 0), max(int(window[1]), 0)
    x1, y1 = min(int(window[2]), width), min(int(window[3]), height)
    if x1 <= x0 or y1 <= y0:
        raise FrameRangeError(f"{where}: window {window} lies outside the {width}x{height} frame")
    return x0, y0, x1, y1


def crop_frame(frame: Frame, window: tuple[int, int, int, int], where: str = "") -> Frame:
    """A copy of ``window`` ``(x0, y0, x1, y1)`` (exclusive, clipped to the frame) of a whole frame.

    Raises:
        FrameRangeError: the window does not overlap the frame.
    """
    height, width = frame.rgb.shape[:2]
    x0, y0, x1, y1 = clip_window(window, (width, height), where or f"frame {frame.number}")
    alpha = None if frame.alpha is None else np.ascontiguousarray(frame.alpha[y0:y1, x0:x1])
    return Frame(frame.number, np.ascontiguousarray(frame.rgb[y0:y1, x0:x1]), alpha, (x0, y0))


def check_size(got: tuple[int, int], shot: tuple[int, int], where: str) -> None:
    """Raises FrameReadError when a decoded frame's ``(width, height)`` differs from the shot's."""
    if tuple(got) != tuple(shot):
        raise FrameReadError(f"{where}: frame is {got[0]}x{got[1]} but the shot is {shot[0]}x{shot[1]} "
                             "(size of its first frame)")


def parse_frame_range(text: str) -> tuple[int, ...]:
    """Frame numbers of a fileseq range (``"1001-1100"``, ``"1-50x2,60"``), ascending and unique.

    Raises:
        FrameRangeError: ``text`` is not a range of whole frame numbers.
    """
    try:
        frames = fileseq.FrameSet(text)
    except (ValueError, IndexError) as e:  # fileseq.ParseException is a ValueError; "" raises IndexError
        raise FrameRangeError(f"cannot parse frame range {text!r}: use e.g. '1001-1100', '1-50x2' or "
                              "'1001-1003,1010'") from e
    if frames.hasSubFrames():
        raise FrameRangeError(f"frame range {text!r} has sub-frames; plates have whole frame numbers")
    return tuple(sorted({int(n) for n in frames}))


def frame_list(frames: tuple[int, ...]) -> str:
    """Compact label of frame numbers: ``(1001, 1002, 1003, 1007)`` -> ``"1001-1003,1007"``."""
    return str(fileseq.FrameSet(list(frames))) if frames else "none"


class PlateSource(abc.ABC):
    """A shot as a lazily decoded stream of frames; holds no decoded frame between reads.

    Iterating yields :class:`Frame` objects in frame order; :meth:`read` decodes one frame by number.
    Use as a context manager, or call :meth:`close`.
    """

    def __init__(self, info: PlateInfo, colour: ColourTransforms) -> None:
        self.info = info
        self.colour = colour
        self._numbers = frozenset(info.frames)
        self._closed = False

    def __len__(self) -> int:
        return len(self.info.frames)

    def __iter__(self) -> Iterator[Frame]:
        for number in self.info.frames:
            yield self.read(number)

    def __enter__(self) -> PlateSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.info.path!r}, frames={frame_list(self.info.frames)})"

    def read(self, number: int, window: tuple[int, int, int, int] | None = None) -> Frame:
        """Decode frame ``number`` into the working space, whole or only ``window``.

        Args:
            number: the frame number.
            window: ``(x0, y0, x1, y1)`` (exclusive) to colour-manage only that part of the frame (the
                file is still decoded whole; movies scale only the window to float); clipped to the frame.
                None = the whole frame.

        Raises:
            FrameRangeError: ``number`` is not one of :attr:`PlateInfo.frames`.
            FrameReadError: The frame cannot be decoded, or its size or alpha differs from the shot's.
            SourceClosedError: The source was closed.
        """
        box = None if window is None else clip_window(window, (self.info.width, self.info.height),
                                                      self._where(number))
        pixels = self._decode_codes(self._checked_number(number), box)
        if pixels is not None:  # integer codes: colour-managed by table, the same bits as the float path
            if box is None:
                self._check_size(pixels, number)
            return Frame(number, self.colour.to_working_codes(pixels, self.info.colourspace), None,
                         (box or (0, 0))[:2])
        raw = None if box is None else self._decode_box(number, box)
        if raw is not None:  # the decoder scaled only the window to float
            part = Frame(number, raw.rgb, raw.alpha, box[:2])
        else:
            raw = self._decode_checked(number)
            part = Frame(number, raw.rgb, raw.alpha) if box is None else crop_frame(
                Frame(number, raw.rgb, raw.alpha), box, self._where(number))
        rgb = self.colour.to_working(part.rgb, self.info.colourspace, inplace=True)
        if part.alpha is not None and raw.straight_alpha:
            rgb *= part.alpha[..., None]
        return Frame(number=number, rgb=rgb, alpha=part.alpha, origin=part.origin)

    def expect_windows(self, windows: dict[int, tuple[int, int, int, int]]) -> None:
        """Say which window later :meth:`read` calls will ask of each frame (``{number: (x0, y0, x1, y1)}``, clipped
        to the frame like theirs; a read may ask for a box inside it): a source that decodes a frame whole may keep
        the window's pixels as it decodes the frame for an earlier read, so that the later read decodes nothing
        (movies do, within a byte budget). What any read returns is unchanged. The default keeps nothing."""

    def read_display8(self, number: int, shrink: int = 1) -> np.ndarray:
        """Frame ``number`` as display sRGB ``(H, W, 3) uint8`` (what the face-analysis models see), or box-averaged
        by the whole factor ``shrink`` to ``(H / shrink, W / shrink, 3)`` (the analysis of a UHD frame).

        Equals ``colour.working_to_srgb8(read(number).rgb)`` (colour unpremultiplied) within one code value,
        with one colour conversion (source -> sRGB) instead of two; an sRGB source is only quantised. Shrunk, the
        source's codes are box-averaged before the colour conversion (a movie's picture before its YUV conversion,
        :meth:`_decode_codes_shrunk`, at a fraction of the cost of converting it whole; then only the small frame is
        colour-converted): within a few codes of the whole frame converted, then box-averaged.

        Raises:
            As :meth:`read`; ShapeError when ``shrink`` does not divide the frame's width and height.
        """
        if shrink > 1:
            if self.info.width % shrink or self.info.height % shrink:
                raise ShapeError(f"{self.info.path} frame {number}", f"a size divisible by {shrink}",
                                 f"{self.info.width}x{self.info.height}")
            pixels = self._decode_codes_shrunk(self._checked_number(number), shrink)
            if pixels is None:
                return _box_average(self.read_display8(number), shrink)
        else:
            pixels = self.read_codes(number)
        if pixels is not None:
            if self.display_referred:  # sRGB in, sRGB out: only quantised
                return srgb8_of_codes(pixels)
            rgb = unit_scale(pixels)
        else:
            rgb = self._decode_checked(number).rgb
        return self.colour.to_srgb8(rgb, self.info.colourspace)

    @property
    def display_referred(self) -> bool:
        """Whether the source's colour space is the config's sRGB: its integer codes (:meth:`read_codes`) are then
        display codes themselves (:func:`srgb8_of_codes`)."""
        return self.info.colourspace == self.colour.srgb_space

    def read_codes(self, number: int) -> np.ndarray | None:
        """Frame ``number`` whole as the integer decoder's ``(H, W, 3) uint8/uint16`` codes in the source's colour
        space, before colour management (:meth:`read` takes them to the working space by table), or None where the
        source does not decode to codes (image files, streams with alpha, OpenCV's decoder). The array may be
        shared with other readers of the frame: it is read-only.

        Raises:
            As :meth:`read`.
        """
        pixels = self._decode_codes(self._checked_number(number))
        if pixels is not None:
            self._check_size(pixels, number)
        return pixels

    def _decode_checked(self, number: int) -> RawFrame:
        """Decode ``number`` and check it belongs to the shot and matches its size and alpha."""
        raw = self._decode(self._checked_number(number))
        self._check_size(raw.rgb, number)
        self._check_alpha(raw, number)
        return raw

    def _check_alpha(self, raw: RawFrame, number: int) -> None:
        """Raises FrameReadError when frame ``number`` has alpha and the shot has none, or the other way round."""
        if (raw.alpha is not None) != self.info.has_alpha:
            has = "has" if raw.alpha is not None else "has no"
            raise FrameReadError(f"{self._where(number)}: frame {has} alpha, unlike the shot's first frame")

    def _checked_number(self, number: int) -> int:
        """``number``, once it is known to be readable (source open, frame in the shot)."""
        if self._closed:
            raise SourceClosedError(f"{self.info.path}: source is closed; open it again to read frame {number}")
        if number not in self._numbers:
            raise FrameRangeError(f"{self.info.path}: frame {number} is not in the shot "
                                  f"(frames {frame_list(self.info.frames)})")
        return number

    def _check_size(self, pixels: np.ndarray, number: int) -> None:
        check_size((pixels.shape[1], pixels.shape[0]), (self.info.width, self.info.height), self._where(number))

    def close(self) -> None:
        """Release files and decoders; further reads raise :class:`SourceClosedError`."""
        self._closed = True

    def media_warnings(self) -> list[str]:
        """What reading skipped but survived so far (damaged packets of a movie); empty for image files."""
        return []

    @abc.abstractmethod
    def files(self) -> dict[int, Path]:
        """The file holding each frame of the shot (a movie's frames all map to the movie file)."""

    def _where(self, number: int) -> str:
        """Label for error messages: the file holding frame ``number`` and the frame number."""
        return f"{self.info.path} frame {number}"

    @abc.abstractmethod
    def _decode(self, number: int) -> RawFrame:
        """Decode frame ``number`` (known to be in the shot) in the source colour space."""

    def _decode_codes_shrunk(self, number: int, factor: int) -> np.ndarray | None:
        """Frame ``number`` whole as ``(H / factor, W / factor, 3) uint8`` codes box-averaged by ``factor`` (a divisor
        of the frame's sides) before any conversion, or None where the source cannot (then :meth:`read_display8`
        shrinks the whole frame)."""
        return None

    def _decode_box(self, number: int, box: tuple[int, int, int, int]) -> RawFrame | None:
        """Only ``box`` (clipped, exclusive) of frame ``number``, size checked by the decoder, or None when the
        source decodes whole frames only (then :meth:`read` crops)."""
        return None

    def _decode_codes(self, number: int, box: tuple[int, int, int, int] | None = None) -> np.ndarray | None:
        """Frame ``number`` (whole, or only ``box``, size checked by the decoder) as ``(h, w, 3) uint8/uint16`` RGB
        codes straight from an integer decoder without alpha, or None (then :meth:`read` and
        :meth:`read_display8` take the float path). Sources whose decoder cannot tell return None."""
        return None
