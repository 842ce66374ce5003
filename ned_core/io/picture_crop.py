"""A window of a decoded planar YUV picture, cut out with FFmpeg's ``crop`` filter so that swscale converts only it
(and a margin), giving exactly the codes the whole picture converted and then cut gives.

swscale computes each output pixel from its own neighbourhood: the bicubic chroma upsampling reaches 2 chroma samples
(4 pixels at 4:2:0) to each side, with the same filter phases wherever the crop starts on the chroma grid; only pixels
next to the crop's edges, where the taps would leave it, are computed differently. So the crop is the window grown by
:data:`CROP_MARGIN` on each side (or to the picture's edge, which the whole conversion shares), on a
:data:`CROP_GRID`-pixel grid, and the margin is cut away after the conversion (``tests/io/test_picture_crop.py``:
identical codes for windows anywhere in 8/10/12-bit 4:2:0/4:2:2/4:4:4 pictures, limited and full range).
A ``crop`` filter keeps the picture's properties (matrix, range, chroma siting) and shares its planes (no copy).
"""

from __future__ import annotations

from fractions import Fraction

import av
import av.filter

#: Pixels kept around a window: four times the bicubic chroma taps' reach at 4:2:0.
CROP_MARGIN = 16
#: Crops start and end on this grid (a multiple of every chroma subsampling the planar formats use).
CROP_GRID = 4


def crop_box(box: tuple[int, int, int, int], size: tuple[int, int]) -> tuple[int, int, int, int]:
    """The crop around a window ``box`` ``(x0, y0, x1, y1)`` inside a picture of ``size`` ``(W, H)``: grown by
    :data:`CROP_MARGIN`, outwards to :data:`CROP_GRID`, clipped to the picture."""
    x0, y0, x1, y1 = box
    width, height = size

    def down(v: int) -> int:
        return max(0, (v - CROP_MARGIN) // CROP_GRID * CROP_GRID)

    def up(v: int, limit: int) -> int:
        return min(limit, -(-(v + CROP_MARGIN) // CROP_GRID) * CROP_GRID)

    return down(x0), down(y0), up(x1, width), up(y1, height)


def cropped_picture(picture: av.VideoFrame, crop: tuple[int, int, int, int]) -> av.VideoFrame:
    """``picture`` cut to ``crop`` ``(x0, y0, x1, y1)`` (on the chroma grid) by a ``crop`` filter."""
    x0, y0, x1, y1 = crop
    graph = av.filter.Graph()
    source = graph.add_buffer(width=picture.width, height=picture.height, format=picture.format,
                              time_base=picture.time_base or Fraction(1, 1))
    cut = graph.add("crop", f"w={x1 - x0}:h={y1 - y0}:x={x0}:y={y0}:exact=1")
    sink = graph.add("buffersink")
    source.link_to(cut)
    cut.link_to(sink)
    graph.configure()
    graph.push(picture)
    return graph.pull()
