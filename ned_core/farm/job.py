"""The one job shape every engine gets: a shot, where its plates and analysis live, how it is chunked."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import fileseq

from ned_core.exceptions import FarmJobError, FrameRangeError
from ned_core.io.plate_source import PlateInfo, parse_frame_range

#: folder in the plates folder for the farm's own files (the analysis task's failure record, `ned submit --farm`'s
#: job files)
STATE_FOLDER = ".ned-farm"


@dataclass(frozen=True)
class FarmJob:
    """One shot as a farm job: an analysis task, render tasks over chunks of frames, optional finishing tasks
    after every chunk (the preview movie, the eval report).

    Attributes:
        name: the job's name on the farm.
        source: the shot (absolute path or sequence pattern), as every task opens it.
        frames: the shot's frame numbers, ascending: what the analysis covers and every chunk directs over.
        out_dir: the plates folder (absolute; shared storage).
        cache_dir: the analysis cache folder (absolute; shared storage): the analysis task fills it, chunks read it.
        chunk_size: frames per render task (>= 1).
        source_args: source options every task repeats (``--start-frame``, ``--ocio``, ...), as given to the export.
        render_args: render options the render and preview tasks repeat (``--emotion happy``, ``--seed 3``, ...).
        preview: add the finishing task that makes the H.264 preview movie.
        report: add the finishing task that writes the eval report of the finished plates (``ned eval shot``).
        report_args: options of the shot's face and target the report repeats (``--target happy``, ``--track 2``).
    """

    name: str
    source: str
    frames: tuple[int, ...]
    out_dir: str
    cache_dir: str
    chunk_size: int
    source_args: tuple[str, ...] = ()
    render_args: tuple[str, ...] = ()
    preview: bool = False
    report: bool = False
    report_args: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.chunk_size < 1:
            raise FarmJobError(f"--chunk-size {self.chunk_size}: expected a whole number of frames >= 1")
        if not self.frames:
            raise FarmJobError(f"{self.source}: the shot has no frames to render")

    @property
    def shot_frames(self) -> str:
        """The shot's frames as a range string (``1001-1064``), what ``--shot-frames`` and ``--frames`` take."""
        return str(fileseq.FrameSet(list(self.frames)))

    @property
    def first(self) -> int:
        return self.frames[0]

    @property
    def last(self) -> int:
        return self.frames[-1]

    def chunks(self) -> list[tuple[int, ...]]:
        """The frames of each render task, in order (``chunk_size`` frames each, the last one shorter)."""
        return [self.frames[i:i + self.chunk_size] for i in range(0, len(self.frames), self.chunk_size)]


def shot_frames(info: PlateInfo, frames: str | None) -> tuple[int, ...]:
    """The frames of ``info``'s shot that ``frames`` (``--frames``; None = all) names.

    Raises:
        FrameRangeError: ``frames`` does not parse, or names frames the source does not have.
    """
    if frames is None:
        return tuple(info.frames)
    wanted = parse_frame_range(frames)
    missing = sorted(set(wanted) - set(info.frames))
    if missing:
        more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
        raise FrameRangeError(f"--frames {frames}: {info.path} has frames {info.frames[0]}-{info.frames[-1]}; "
                              f"no frame {missing[0]}{more}")
    return wanted


def chunk_frames(shot: tuple[int, ...], chunk: str) -> frozenset[int]:
    """The frames of one render task (``--frames``), which must all belong to the shot (``--shot-frames``).

    Raises:
        FrameRangeError: ``chunk`` does not parse or reaches outside the shot.
    """
    frames = parse_frame_range(chunk)
    outside = sorted(set(frames) - set(shot))
    if outside:
        raise FrameRangeError(f"--frames {chunk}: frame {outside[0]} is outside the shot's frames "
                              f"{shot[0]}-{shot[-1]} (--shot-frames)")
    return frozenset(frames)


def absolute(path: str | Path) -> str:
    """``path`` made absolute (farm tasks run in other working folders), ``~`` expanded."""
    return str(Path(path).expanduser().absolute())
