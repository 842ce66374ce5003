"""Open a shot (image sequence, movie or still) as a lazily decoded stream of working-space frames."""

from __future__ import annotations

from pathlib import Path

from ned_core.exceptions import PlateOptionError, SourceNotFoundError, UnsupportedFormatError
from ned_core.io.colour import ColourConfig, ColourTransforms
from ned_core.io.image_read import IMAGE_EXTENSIONS
from ned_core.io.image_source import open_sequence, open_still
from ned_core.io.movie import MOVIE_EXTENSIONS, open_movie
from ned_core.io.plate_source import Frame, PlateInfo, PlateSource, parse_frame_range
from ned_core.io.sequence import is_pattern

__all__ = ["Frame", "PlateInfo", "PlateSource", "open_plates"]


def open_plates(path: str | Path, frames: str | None = None, colour: ColourConfig | None = None,
                start_frame: int | None = None) -> PlateSource:
    """Open a shot for reading; nothing but headers is read until frames are asked for.

    The kind of source follows from ``path``:

    * movie (``.mp4 .mov .m4v .mkv .mxf .avi .webm``): decoded with PyAV (OpenCV as fallback); frames
      are numbered from ``start_frame``, default 0.
    * an existing image file (EXR, DPX, TIFF, PNG, JPEG, ...): a one-frame shot numbered ``start_frame``,
      else the number in its name (``plate.1001.exr`` -> 1001), else 1.
    * a sequence pattern: ``shot.%04d.exr``, ``shot.####.exr`` (one digit per ``#``; a lone ``#`` = 4),
      ``shot.@@@@.exr``, ``shot.$F4.exr`` or a fileseq string with its range, ``shot.1001-1100#.exr``.
      Frames keep their own numbers; every frame in the range must exist.

    Args:
        path: Movie, image or sequence pattern.
        frames: Frame range in fileseq syntax (``"1001-1100"``, ``"1001-1100x2"``, ``"1,5-9"``); ``None``
            reads everything (for a sequence: the range in the pattern, else first to last file on disk).
        colour: Colour management; ``None`` = :class:`ColourConfig` defaults.
        start_frame: Number of a movie's first frame, or of a still's only frame. Not for sequences.

    Returns:
        A :class:`PlateSource`: ``.info``, ``len()``, iteration in frame order, ``read(number)``, ``close()``.

    Raises:
        SourceNotFoundError: Nothing exists at ``path`` / no file matches the pattern.
        UnsupportedFormatError: Unknown extension or a file neither OpenImageIO nor FFmpeg can read.
        FrameRangeError: ``frames`` cannot be parsed or lies outside the source.
        MissingFramesError: A sequence has gaps in the range (the message lists them, e.g. ``1004-1006``).
        FrameReadError, ImageSizeError: The first frame's header is unreadable, empty or over 16K.
        ColourError: The OCIO config or a colour space in ``colour`` is unknown.
        PlateOptionError: ``start_frame`` given for a sequence.
    """
    source = Path(path).expanduser()
    extension = source.suffix.lower()
    wanted = parse_frame_range(frames) if frames is not None else None
    if source.is_dir():
        raise UnsupportedFormatError(f"{source} is a folder; pass a movie, an image or a sequence pattern "
                                     "such as folder/shot.####.exr")
    if extension in MOVIE_EXTENSIONS:
        if not source.is_file():
            raise SourceNotFoundError(f"{source}: movie file not found")
        return open_movie(source, wanted, ColourTransforms(colour), start_frame)
    if extension not in IMAGE_EXTENSIONS:
        supported = " ".join(sorted(IMAGE_EXTENSIONS | MOVIE_EXTENSIONS))
        raise UnsupportedFormatError(f"{source}: extension {extension or '(none)'!r} is not supported; "
                                     f"use one of: {supported}")
    if source.is_file():
        return open_still(source, wanted, ColourTransforms(colour), start_frame)
    if not is_pattern(source):
        raise SourceNotFoundError(f"{source}: file not found (for a sequence use a pattern such as "
                                  "shot.####.exr or shot.%04d.exr)")
    if start_frame is not None:
        raise PlateOptionError(f"{source}: start_frame applies to movies and stills; image sequences keep "
                               "the frame numbers in their file names")
    return open_sequence(source, wanted, ColourTransforms(colour))
