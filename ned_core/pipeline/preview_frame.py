"""The preview movie's frames: the face plate over the source, in display sRGB, converting only what the plate touches.

Taking a whole 1080p frame to the working space and back to sRGB costs ~85-100 ms of CPU (nearly all OpenColorIO)
for pixels no plate touches. Where the source's own integer codes are display sRGB already (a movie PyAV decodes
without alpha, the colour space the config's sRGB: every 8-16 bit H.264/HEVC/ProRes/DNx/MJPEG stream unless
``input_space`` says otherwise), the preview is those codes, quantised to 8 bits, with only the plate's data window
composited in the working space and taken back to sRGB. That window is bit for bit what the whole-frame path gives
there (the same codes, by the same table, under the same plate); outside it a code differs from the whole-frame
path's round trip through the working space at most by the round trip's own error. Other sources (EXR, DPX, TIFF and
PNG sequences, whose readers give no codes; scene-linear or log sources, whose display codes need the colour
transform anyway; streams with alpha) take the whole-frame path.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ned_core.composite.paste import merge_over, over_window
from ned_core.io.exr_plate import FacePlate
from ned_core.io.plate_source import Frame, PlateSource, srgb8_of_codes


@dataclass(frozen=True)
class PreviewPixels:
    """What one frame's preview is made from: the source's display-referred ``codes`` (``(H, W, 3) uint8/uint16``,
    read-only), or else the ``whole`` frame in the working space."""

    codes: np.ndarray | None
    whole: Frame | None


class PreviewFrames:
    """Makes a shot's preview frames (see the module's note for which source takes which path).

    Args:
        source: the open shot.
    """

    def __init__(self, source: PlateSource):
        self.source = source
        self.colour = source.colour
        self.direct = source.display_referred

    def read(self, number: int, whole: Frame | None = None) -> PreviewPixels:
        """The pixels frame ``number``'s preview needs; ``whole``: the frame in the working space when the caller
        has read it anyway (composites), used where the source's codes are not display codes."""
        codes = self.source.read_codes(number) if self.direct else None
        if codes is not None:
            return PreviewPixels(codes, None)
        return PreviewPixels(None, whole if whole is not None else self.source.read(number))

    def frame(self, pixels: PreviewPixels, plate: FacePlate) -> np.ndarray:
        """``(H, W, 3) uint8`` display sRGB of ``plate`` merged over the frame of ``pixels``."""
        if pixels.codes is None:
            return self.colour.working_to_srgb8(merge_over(pixels.whole.rgb, plate))
        shown = np.array(srgb8_of_codes(pixels.codes))  # a copy: the codes are shared and read-only
        if plate.rgba.any():  # an empty plate (a frame without a face) changes nothing
            x0, y0, x1, y1 = plate.data_window
            under = self.colour.to_working_codes(pixels.codes[y0:y1, x0:x1], self.source.info.colourspace)
            shown[y0:y1, x0:x1] = self.colour.working_to_srgb8(over_window(under, plate))
        return shown
