"""Image-sequence patterns (``%04d``, ``####``, ``@``, ``$F4``, fileseq ranges) and the frames found on disk."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import fileseq

from ned_core.exceptions import FrameRangeError, MissingFramesError, SourceNotFoundError
from ned_core.io.plate_source import frame_list, parse_frame_range

# Frame token, optionally preceded by a fileseq frame range ("1001-1100x2,1200"): the last one in the name.
_RANGE = r"-?\d+(?:--?\d+(?:[x:y]-?\d+)?)?(?:,-?\d+(?:--?\d+(?:[x:y]-?\d+)?)?)*"
_TOKEN = re.compile(rf"(?P<range>{_RANGE})?(?P<pad>#+|@+|%0?(?P<printf>\d*)d|\$F(?P<houdini>\d*))")


@dataclass(frozen=True)
class SequencePattern:
    """A parsed sequence pattern.

    Attributes:
        directory: Folder holding the frames.
        prefix: File name before the frame number.
        suffix: File name after the frame number (extension included).
        padding: Minimum number of digits (zero-padded); longer numbers are written unpadded.
        frames: Frame numbers written in the pattern itself (``shot.1001-1100#.exr``), else ``None``.
    """

    directory: Path
    prefix: str
    suffix: str
    padding: int
    frames: tuple[int, ...] | None

    @property
    def label(self) -> str:
        """The pattern in printf form, e.g. ``/shots/a/shot.%04d.exr``."""
        return str(self.directory / f"{self.prefix}%0{self.padding}d{self.suffix}")


def is_pattern(path: str | Path) -> bool:
    """Whether the file name holds a frame token (``#``, ``@``, ``%04d``, ``$F4``)."""
    return _TOKEN.search(Path(path).name) is not None


def _padding(token: str, printf: str | None, houdini: str | None) -> int:
    if token.startswith("#"):
        return 4 if token == "#" else len(token)  # '#' alone = 4 digits (fileseq, RV); '####' = 4 (Nuke)
    if token.startswith("@"):
        return len(token)
    digits = printf if printf is not None else houdini
    return int(digits) if digits else 1


def parse_pattern(path: str | Path) -> SequencePattern:
    """Parse a sequence pattern.

    ``#`` alone means 4 digits (fileseq/RV); a run of several ``#`` or ``@`` gives one digit each
    (Nuke: ``####`` = 4); ``%04d`` and ``$F4`` give 4, ``%d``/``$F`` are unpadded. A fileseq range before
    the token (``shot.1001-1100#.exr``) is kept in :attr:`SequencePattern.frames`.

    Raises:
        SourceNotFoundError: The name has no frame token.
        FrameRangeError: The range in the name cannot be parsed.
    """
    path = Path(path).absolute()
    matches = list(_TOKEN.finditer(path.name))
    if not matches:
        raise SourceNotFoundError(f"{path} is neither an existing file nor a sequence pattern "
                                  "(use shot.####.exr, shot.%04d.exr or shot.1001-1100#.exr)")
    m = matches[-1]
    frames = parse_frame_range(m["range"]) if m["range"] else None
    return SequencePattern(directory=path.parent, prefix=path.name[:m.start()], suffix=path.name[m.end():],
                           padding=_padding(m["pad"], m["printf"], m["houdini"]), frames=frames)


def find_frames(pattern: SequencePattern) -> dict[int, Path]:
    """Files on disk matching ``pattern`` with its exact padding, by frame number.

    Raises:
        SourceNotFoundError: The folder is missing or no file matches (names files with other padding).
    """
    if not pattern.directory.is_dir():
        raise SourceNotFoundError(f"{pattern.label}: folder {pattern.directory} does not exist")
    name = re.compile(rf"{re.escape(pattern.prefix)}(-?)(\d+){re.escape(pattern.suffix)}")
    found: dict[int, Path] = {}
    other_padding: list[str] = []
    with os.scandir(pattern.directory) as entries:
        for entry in entries:
            m = name.fullmatch(entry.name)
            if m is None or not entry.is_file():
                continue
            number = m[1] + m[2]  # the sign counts towards the padding, as in printf: -1 at %04d is -001
            if len(number) < pattern.padding or (len(number) > pattern.padding and m[2][0] == "0"):
                other_padding.append(entry.name)
                continue
            found[int(number)] = Path(entry.path)
    if not found:
        hint = (f"; {len(other_padding)} file(s) differ only in padding, e.g. {min(other_padding)}: "
                "match the number of digits with '#'/'@' count or %0Nd") if other_padding else ""
        raise SourceNotFoundError(f"no files match {pattern.label}{hint}")
    return found


def select_frames(found: dict[int, Path], wanted: tuple[int, ...] | None, label: str) -> tuple[int, ...]:
    """Frame numbers to read: ``wanted`` (or every number from the first to the last on disk), all present.

    Raises:
        FrameRangeError: Some wanted frames lie before the first or after the last frame on disk.
        MissingFramesError: Frames inside the range are missing; the message lists them (``1004-1006``).
    """
    first, last = min(found), max(found)
    frames = tuple(range(first, last + 1)) if wanted is None else tuple(sorted(set(wanted)))
    outside = [n for n in frames if n < first or n > last]
    if outside:
        raise FrameRangeError(f"{label}: frames {frame_list(tuple(outside))} lie outside the sequence "
                              f"on disk ({first}-{last})")
    missing = tuple(n for n in frames if n not in found)
    if missing:
        raise MissingFramesError(f"{label}: {len(missing)} missing frame(s): {frame_list(missing)} "
                                 f"(shot {frame_list(frames)}); render them, or pass frames= to skip them")
    return frames


def frame_in_name(path: Path) -> int | None:
    """Frame number carried by a single file name (``plate.1001.exr`` -> 1001), as fileseq reads it."""
    frames = fileseq.FileSequence(str(path)).frameSet()
    return frames[0] if frames is not None and len(frames) == 1 else None
