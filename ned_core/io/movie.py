"""Movie plates: frame numbers, range and start timecode over a PyAV decoder, with OpenCV as fallback."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Literal

import numpy as np

from ned_core.exceptions import (
    DemuxerNotAllowedError, EmptyFileError, FrameRangeError, NoVideoStreamError, PlateMetadataError,
    UnknownCodecError, UnsupportedFormatError,
)
from ned_core.io.colour import ColourTransforms
from ned_core.io.demuxers import check_single_file
from ned_core.io.exr_timecode import timecode_at
from ned_core.io.movie_decoder import MovieDecoder, MovieProbe
from ned_core.io.movie_opencv import OpenCvDecoder
from ned_core.io.movie_pyav import PyAVDecoder
from ned_core.io.plate_source import PlateInfo, PlateSource, RawFrame, clip_window, frame_list
from ned_core.io.preview_audio import times_note

log = logging.getLogger(__name__)

#: Extensions opened as movies (lower case, with the dot).
MOVIE_EXTENSIONS = frozenset({".mp4", ".mov", ".m4v", ".mkv", ".mxf", ".avi", ".webm"})
Backend = Literal["auto", "pyav", "opencv"]


class MovieSource(PlateSource):
    """Frames of one movie, decoded on demand; frame ``n`` is file frame ``n - start_frame``."""

    def __init__(self, info: PlateInfo, colour: ColourTransforms, decoder: MovieDecoder, start_frame: int) -> None:
        super().__init__(info, colour)
        self._decoder = decoder
        self._start = start_frame

    @property
    def start_frame(self) -> int:
        """Number of the movie's first frame (frame ``n`` is file frame ``n - start_frame``)."""
        return self._start

    @property
    def decoded(self) -> int:
        """Frames decoded since open (sequential reads decode each frame once; seeks add a few)."""
        return self._decoder.decoded

    def _decode(self, number: int) -> RawFrame:
        return self._decoder.frame(number - self._start, self._where(number))

    def _decode_box(self, number: int, box: tuple[int, int, int, int]) -> RawFrame:
        return self._decoder.frame(number - self._start, self._where(number), box)

    def _decode_codes(self, number: int, box: tuple[int, int, int, int] | None = None) -> np.ndarray | None:
        return self._decoder.frame_codes(number - self._start, self._where(number), box)

    def _decode_codes_shrunk(self, number: int, factor: int) -> np.ndarray | None:
        return self._decoder.frame_codes_shrunk(number - self._start, self._where(number), factor)

    def expect_windows(self, windows: dict[int, tuple[int, int, int, int]]) -> None:
        size = (self.info.width, self.info.height)
        self._decoder.expect_windows({self._checked_number(n) - self._start: clip_window(w, size, self._where(n))
                                      for n, w in windows.items()})

    def media_warnings(self) -> list[str]:
        lost = sorted(self._decoder.lost.items())
        if not lost:
            return []
        frames = frame_list(tuple(index + self._start for index, _ in lost))
        return [f"{self.info.path}: {len(lost)} damaged video packet(s) skipped at {times_note([t for _, t in lost])}; "
                f"frames {frames} repeat the frame before them"]

    def files(self) -> dict[int, Path]:
        movie = Path(self.info.path)
        return {n: movie for n in self.info.frames}

    def close(self) -> None:
        if not self._closed:
            self._decoder.close()
        super().close()


#: PyAV errors OpenCV's FFmpeg cannot do better on: no fallback (it would only add noise to the message).
_FINAL = (DemuxerNotAllowedError, NoVideoStreamError, EmptyFileError, UnknownCodecError)


def _open_decoder(path: Path, backend: Backend) -> MovieDecoder:
    if backend == "opencv":
        check_single_file(path)  # OpenCV's FFmpeg cannot say which demuxer it used: ask PyAV's
        return OpenCvDecoder(path)
    try:
        return PyAVDecoder(path)
    except UnsupportedFormatError as pyav_error:
        if backend == "pyav" or isinstance(pyav_error, _FINAL):
            raise  # a refused list or playlist is not handed to OpenCV's FFmpeg either; nor a file it cannot help
        try:
            decoder = OpenCvDecoder(path)
        except UnsupportedFormatError as e:
            raise UnsupportedFormatError(f"{pyav_error}; the OpenCV fallback failed too: {e}") from pyav_error
        log.warning("%s; decoding with OpenCV instead (8-bit, no alpha, no timecode)", pyav_error)
        return decoder


def _start_timecode(probe: MovieProbe, offset: int, path: Path) -> str | None:
    """Timecode of file frame ``offset``: the file's ``timecode`` tag advanced by ``offset`` frames."""
    if probe.timecode is None or offset == 0:
        return probe.timecode
    if probe.fps is None:
        log.warning("%s: timecode %s kept for frame 0 only: the stream has no frame rate", path, probe.timecode)
        return None
    try:
        return timecode_at(probe.timecode, offset, probe.fps)
    except PlateMetadataError as e:
        log.warning("%s: cannot carry timecode %s to frame %d: %s", path, probe.timecode, offset, e)
        return None


def open_movie(path: Path, frames: tuple[int, ...] | None, colour: ColourTransforms,
               start_frame: int | None = None, backend: Backend = "auto") -> MovieSource:
    """Open a movie file; its frames are numbered from ``start_frame`` (default 0).

    Nothing is decoded on open. ``backend="auto"`` uses PyAV and falls back to OpenCV when PyAV
    cannot open the file.

    Raises:
        UnsupportedFormatError: Neither backend can open the file, or it has no video stream.
        FrameRangeError: ``frames`` lie outside the movie.
    """
    decoder = _open_decoder(path, backend)
    try:
        probe = decoder.probe
        start = 0 if start_frame is None else start_frame
        last = start + probe.count - 1
        wanted = frames if frames is not None else tuple(range(start, last + 1))
        outside = tuple(n for n in wanted if not start <= n <= last)
        if outside:
            raise FrameRangeError(f"{path}: frames {frame_list(outside)} lie outside the movie "
                                  f"(frames {start}-{last}; set start_frame to renumber)")
        info = PlateInfo(path=str(path.absolute()), kind="movie", frames=wanted, width=probe.width,
                         height=probe.height, channels=probe.channels, pixel_type=probe.pixel_type, fps=probe.fps,
                         timecode=_start_timecode(probe, wanted[0] - start, path),
                         colourspace=colour.input_space(probe.pixel_type), field_order=probe.field_order,
                         variable_rate=probe.variable_rate)
    except BaseException:
        decoder.close()
        raise
    return MovieSource(info, colour, decoder, start)
