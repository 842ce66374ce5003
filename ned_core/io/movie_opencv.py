"""Fallback movie decoding with OpenCV, for files PyAV cannot open: 8-bit RGB, no alpha, no timecode."""

from __future__ import annotations

import os
from pathlib import Path

import cv2
import numpy as np

from ned_core.exceptions import FrameReadError, UnsupportedFormatError
from ned_core.io.exr_metadata import fps_fraction
from ned_core.io.movie_decoder import MovieProbe
from ned_core.io.plate_source import RawFrame, check_size

#: OpenCV's own FFmpeg prints its log lines around our one-line errors unless told not to (-8 = quiet).
os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")


class OpenCvDecoder:
    """Decodes a movie with ``cv2.VideoCapture`` (see :class:`ned_core.io.movie_decoder.MovieDecoder`).

    Reads in increasing order continue decoding; any other read seeks with ``CAP_PROP_POS_FRAMES``.
    OpenCV converts to 8-bit BGR itself (its own YUV matrix choice) and drops alpha and timecode.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._capture = cv2.VideoCapture(str(path))
        if not self._capture.isOpened():
            raise UnsupportedFormatError(f"{path}: OpenCV cannot open the movie")
        width = int(self._capture.get(cv2.CAP_PROP_FRAME_WIDTH))
        height = int(self._capture.get(cv2.CAP_PROP_FRAME_HEIGHT))
        count = int(self._capture.get(cv2.CAP_PROP_FRAME_COUNT))
        if width <= 0 or height <= 0 or count <= 0:
            self._capture.release()
            raise UnsupportedFormatError(f"{path}: OpenCV reports no frames ({width}x{height}, {count} frames)")
        rate = self._capture.get(cv2.CAP_PROP_FPS)
        self.probe = MovieProbe(width=width, height=height, count=count, fps=fps_fraction(rate) if rate > 0 else None,
                                timecode=None, pixel_type="uint8", channels=3)
        self.decoded = 0
        self.lost: dict[int, float] = {}  # OpenCV's FFmpeg conceals damaged frames itself
        self._next = 0

    def frame(self, index: int, where: str, box: tuple[int, int, int, int] | None = None) -> RawFrame:
        """Decode frame ``index`` (0-based) to RGB in the file's colour space, 0-1 float32, whole or ``box``."""
        if index != self._next:
            self._capture.set(cv2.CAP_PROP_POS_FRAMES, index)
        ok, bgr = self._capture.read()
        if not ok or bgr is None:
            self._next = -1  # position unknown: seek on the next read
            raise FrameReadError(f"{where}: OpenCV cannot decode the frame")
        self.decoded += 1
        self._next = index + 1
        if box is not None:
            check_size((bgr.shape[1], bgr.shape[0]), (self.probe.width, self.probe.height), where)
            bgr = bgr[box[1]:box[3], box[0]:box[2]]
        rgb = np.ascontiguousarray(bgr[..., ::-1], dtype=np.float32)
        rgb *= np.float32(1.0 / 255.0)
        return RawFrame(rgb=rgb, alpha=None, straight_alpha=False)

    def frame_codes(self, index: int, where: str, box: tuple[int, int, int, int] | None = None) -> None:
        """Not offered: readers take the float path (:meth:`frame`)."""
        return None

    def frame_codes_shrunk(self, index: int, where: str, factor: int) -> None:
        """Not offered: readers shrink the float path's frame."""
        return None

    def expect_windows(self, windows: dict[int, tuple[int, int, int, int]]) -> None:
        """Nothing is kept: this backend converts whole frames only."""

    def close(self) -> None:
        self._capture.release()
