"""Plate source over image files: an image sequence, or a single still as a one-frame shot."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from ned_core.exceptions import FrameRangeError, SourceNotFoundError
from ned_core.io.colour import ColourTransforms
from ned_core.io.image_read import float32_copy, read_header, read_pixels
from ned_core.io.kept_frames import LatestFrames
from ned_core.io.plate_source import PlateInfo, PlateSource, RawFrame, frame_list
from ned_core.io.sequence import find_frames, frame_in_name, parse_pattern, select_frames


#: Bytes of whole decoded frames kept for later window reads of the same frames: a render reads windows of the frames
#: its analysis read whole, and the latest frames read whole are kept until the source is closed, up to this much
#: (half samples kept as half: 20 1080p RGB frames, 5 UHD ones; see
#: :class:`~ned_core.io.kept_frames.LatestFrames` for why the latest), so their windows are cut, not decoded again
#: (a 1080p close-up's window decoded from a zip EXR: ~26 ms of CPU).
KEEP_DECODED_BYTES = 256 << 20


@dataclass(frozen=True)
class _KeptFrame:
    """A whole decoded frame kept for window reads: ``(H, W, 3)`` colour and ``(H, W)`` alpha (or None), float16
    where that holds the decoded float32 samples exactly (half files), else float32."""

    rgb: np.ndarray
    alpha: np.ndarray | None
    straight_alpha: bool

    @classmethod
    def of(cls, raw: RawFrame) -> _KeptFrame:
        return cls(_compact(raw.rgb), None if raw.alpha is None else _compact(raw.alpha), raw.straight_alpha)

    @property
    def nbytes(self) -> int:
        return self.rgb.nbytes + (0 if self.alpha is None else self.alpha.nbytes)

    def window(self, box: tuple[int, int, int, int]) -> RawFrame:
        """``box`` as :func:`~ned_core.io.image_read.read_pixels` decodes it from the file: fresh float32 arrays (readers
        convert their windows in place)."""
        x0, y0, x1, y1 = box
        alpha = None if self.alpha is None else float32_copy(self.alpha[y0:y1, x0:x1])
        return RawFrame(float32_copy(self.rgb[y0:y1, x0:x1]), alpha, self.straight_alpha)


#: Rows of a frame checked at once by :func:`_compact` (its temporaries stay small: ~15 MB for a UHD frame's band)
_CHECK_ROWS = 256


def _compact(samples: np.ndarray) -> np.ndarray:
    """A copy of float32 ``samples``: as float16 when that holds every value exactly (NaNs too), else as float32;
    float16 ``samples`` themselves (nothing else holds or changes them: :meth:`ImageSource._decode`)."""
    if samples.dtype == np.float16:
        return samples
    flat = np.ascontiguousarray(samples, np.float32).reshape(samples.shape[0], -1)
    half = cv2.convertFp16(flat)
    for top in range(0, len(flat), _CHECK_ROWS):
        rows = slice(top, top + _CHECK_ROWS)
        same = cv2.convertFp16(half[rows]) == flat[rows]
        if not (same.all() or np.isnan(flat[rows][~same]).all()):  # only NaNs may differ (NaN != NaN)
            return samples.copy()
    return half.view(np.float16).reshape(samples.shape)


class ImageSource(PlateSource):
    """Frames read one file at a time with OpenImageIO; between reads only the file map is held, and the latest frames
    read whole (within :data:`KEEP_DECODED_BYTES`), which windows of the same frames are cut from. Frames may be read
    on several threads at once (the analysis reads a sequence's files on two)."""

    def __init__(self, info: PlateInfo, colour: ColourTransforms, files: dict[int, Path]) -> None:
        super().__init__(info, colour)
        self._files = files
        self._positions = {number: i for i, number in enumerate(info.frames)}
        self._kept: LatestFrames[_KeptFrame] = LatestFrames(KEEP_DECODED_BYTES, len(info.frames) - 1)
        self._kept_lock = threading.Lock()

    def files(self) -> dict[int, Path]:
        return dict(self._files)

    def _where(self, number: int) -> str:
        return f"{self._files[number]} frame {number}"

    def _decode(self, number: int) -> RawFrame:
        raw = read_pixels(self._files[number], self._where(number), widen=False)
        self._keep(number, raw)  # half samples kept as they are (their check and copy cost ~3.5 ms a 1080p frame)
        if raw.rgb.dtype != np.float16:
            return raw
        alpha = None if raw.alpha is None else float32_copy(raw.alpha)
        return RawFrame(float32_copy(raw.rgb), alpha, raw.straight_alpha)

    def _keep(self, number: int, raw: RawFrame) -> None:
        """Keep a whole frame of the shot's size and alpha for window reads, if it and the frames after it fit."""
        if raw.rgb.shape[:2] != (self.info.height, self.info.width) or (raw.alpha is not None) != self.info.has_alpha:
            return  # the reader raises for it
        position = self._positions[number]
        itemsize = 2 if self.info.pixel_type == "half" else 4
        with self._kept_lock:
            wanted = self._kept.fits(position, (raw.rgb.size + (0 if raw.alpha is None else raw.alpha.size)) * itemsize)
        if wanted:
            kept = _KeptFrame.of(raw)
            with self._kept_lock:
                self._kept.add(position, kept, kept.nbytes)

    def _decode_box(self, number: int, box: tuple[int, int, int, int]) -> RawFrame:
        """Cut from the frame when it is kept (read whole before), else only the scanlines ``box`` spans are
        decoded: a face window costs a fraction of the whole frame (the render and its set-up read windows only),
        with the same values either way."""
        with self._kept_lock:
            kept = self._kept.get(self._positions[number])
        raw = kept.window(box) if kept is not None else read_pixels(self._files[number], self._where(number), box,
                                                                    (self.info.width, self.info.height))
        self._check_alpha(raw, number)
        return raw

    def close(self) -> None:
        with self._kept_lock:
            self._kept.clear()
        super().close()


def _open_files(path: str, kind: str, files: dict[int, Path], frames: tuple[int, ...],
                colour: ColourTransforms) -> ImageSource:
    """Build the source, describing the shot from the header of its first frame."""
    first = frames[0]
    header = read_header(files[first], f"{files[first]} frame {first}")
    info = PlateInfo(path=path, kind=kind, frames=frames, width=header.width, height=header.height,
                     channels=header.channels, pixel_type=header.pixel_type, fps=header.fps,
                     timecode=header.timecode,
                     colourspace=colour.input_space(header.pixel_type, header.interop_id))
    return ImageSource(info, colour, {n: files[n] for n in frames})


def open_sequence(pattern: str | Path, frames: tuple[int, ...] | None, colour: ColourTransforms) -> ImageSource:
    """Open an image sequence; ``frames`` (else the range in the pattern, else all on disk) must all exist.

    Raises:
        SourceNotFoundError, FrameRangeError, MissingFramesError: See :mod:`ned_core.io.sequence`.
        FrameReadError, ImageSizeError, UnsupportedFormatError: The first frame's header is unusable.
    """
    parsed = parse_pattern(pattern)
    found = find_frames(parsed)
    selected = select_frames(found, frames if frames is not None else parsed.frames, parsed.label)
    return _open_files(str(Path(pattern).absolute()), "sequence", found, selected, colour)


def open_existing(pattern: str | Path, colour: ColourTransforms) -> ImageSource:
    """Open every frame of a sequence that exists on disk (within the range in the pattern, if any); gaps skipped.

    Raises:
        SourceNotFoundError: No file matches (or none inside the pattern's range).
        FrameReadError, ImageSizeError, UnsupportedFormatError: The first frame's header is unusable.
    """
    parsed = parse_pattern(pattern)
    found = find_frames(parsed)
    wanted = set(parsed.frames) if parsed.frames is not None else None
    existing = tuple(sorted(n for n in found if wanted is None or n in wanted))
    if not existing:
        raise SourceNotFoundError(f"{parsed.label}: no file on disk inside the range of the pattern")
    return _open_files(str(Path(pattern).absolute()), "sequence", found, existing, colour)


def open_still(path: Path, frames: tuple[int, ...] | None, colour: ColourTransforms,
               start_frame: int | None) -> ImageSource:
    """Open one image as a one-frame shot.

    Its frame number is ``start_frame`` if given, else the number in the name (``plate.1001.exr`` -> 1001),
    else 1. ``frames``, if given, must be exactly that number.

    Raises:
        FrameRangeError: ``frames`` asks for other frames (the message suggests a sequence pattern).
    """
    named = frame_in_name(path)
    number = start_frame if start_frame is not None else (named if named is not None else 1)
    if frames is not None and frames != (number,):
        raise FrameRangeError(f"{path} is a single image (frame {number}); frames {frame_list(frames)} asked. "
                              "To read a sequence pass a pattern such as shot.####.exr")
    path = path.absolute()
    return _open_files(str(path), "still", {number: path}, (number,), colour)
