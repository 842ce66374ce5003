"""The interface a movie decoding backend (PyAV, OpenCV) offers to the movie plate source."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Protocol

import numpy as np

from ned_core.io.plate_source import PixelType, RawFrame


@dataclass(frozen=True)
class MovieProbe:
    """What a movie file declares, read without decoding the stream.

    Attributes:
        width: Frame width in pixels.
        height: Frame height in pixels.
        count: Number of frames in the video stream.
        fps: Stream frame rate (``Fraction(24000, 1001)``), if known.
        timecode: ``timecode`` tag of the file's first frame (``"HH:MM:SS:FF"``), if any.
        pixel_type: ``"uint8"`` for 8-bit streams, ``"uint16"`` for deeper ones (10/12-bit ProRes, HEVC).
        channels: 1 (grey), 2 (grey + alpha), 3 (colour) or 4 (colour + alpha).
        field_order: ``"progressive"``, or for interlaced pictures ``"tt"``/``"bb"``/``"tb"``/``"bt"`` (field
            coded first, field shown first); ``"interlaced"`` when only the pictures say so (not which field comes
            first); None when neither the file nor its first picture says. Fields are never deinterlaced.
        variable_rate: the timestamps vary; frames are numbered from them (see ``movie_timing``).
    """

    width: int
    height: int
    count: int
    fps: Fraction | None
    timecode: str | None
    pixel_type: PixelType
    channels: int
    field_order: str | None = None
    variable_rate: bool = False


class MovieDecoder(Protocol):
    """A backend that decodes frames of one movie by index (0 = the file's first frame).

    Implementations hold at most a few decoded frames (codec look-ahead) and decode nothing on open.
    """

    probe: MovieProbe
    decoded: int  # frames decoded since open: shows how much work seeks and reads cost
    lost: dict[int, float]  # frame index -> time (s): damaged frames replaced by the frame before them

    def frame(self, index: int, where: str, box: tuple[int, int, int, int] | None = None) -> RawFrame:
        """Decode frame ``index`` as RGB in the file's colour space, whole or only ``box`` ``(x0, y0, x1, y1)``
        (inside the frame, exclusive; the frame's size is checked against the probe first); ``where`` labels
        errors."""

    def frame_codes(self, index: int, where: str, box: tuple[int, int, int, int] | None = None) -> np.ndarray | None:
        """Frame ``index`` (whole or only ``box``, as for ``frame``) as the ``(h, w, 3) uint8/uint16`` codes that
        ``frame`` scales to 0-1, or None when the backend cannot give them directly (alpha)."""

    def frame_codes_shrunk(self, index: int, where: str, factor: int) -> np.ndarray | None:
        """Frame ``index`` whole as ``(H / factor, W / factor, 3) uint8`` codes box-averaged by the whole ``factor``
        when the backend can shrink the picture before converting it (cheaper than a whole conversion), else None."""

    def expect_windows(self, windows: dict[int, tuple[int, int, int, int]]) -> None:
        """Plan reads: ``{index: box}`` (inside the picture) that later ``frame_codes`` reads will ask for (a box
        inside it); the backend may keep those windows as it decodes their frames (what reads return is unchanged)."""

    def close(self) -> None:
        """Release the file and the codec."""
