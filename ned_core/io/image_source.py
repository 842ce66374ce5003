"""Plate source over image files: an image sequence, or a single still as a one-frame shot."""

from __future__ import annotations

from pathlib import Path

from ned_core.exceptions import FrameRangeError, SourceNotFoundError
from ned_core.io.colour import ColourTransforms
from ned_core.io.image_read import read_header, read_pixels
from ned_core.io.plate_source import PlateInfo, PlateSource, RawFrame, frame_list
from ned_core.io.sequence import find_frames, frame_in_name, parse_pattern, select_frames


class ImageSource(PlateSource):
    """Frames read one file at a time with OpenImageIO; only the file map is held between reads."""

    def __init__(self, info: PlateInfo, colour: ColourTransforms, files: dict[int, Path]) -> None:
        super().__init__(info, colour)
        self._files = files

    def files(self) -> dict[int, Path]:
        return dict(self._files)

    def _where(self, number: int) -> str:
        return f"{self._files[number]} frame {number}"

    def _decode(self, number: int) -> RawFrame:
        return read_pixels(self._files[number], self._where(number))

    def _decode_box(self, number: int, box: tuple[int, int, int, int]) -> RawFrame:
        """Only the scanlines ``box`` spans are decoded: a face window costs a fraction of the whole frame (the
        render and its set-up read windows only), with the same values."""
        raw = read_pixels(self._files[number], self._where(number), box, (self.info.width, self.info.height))
        self._check_alpha(raw, number)
        return raw


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
