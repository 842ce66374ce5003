"""The frames the pipeline hands the analysis are arrays of their own, so it keeps them without copying."""

from __future__ import annotations

from fractions import Fraction

import av
import numpy as np
from av.video.reformatter import ColorRange, Colorspace

from ned_core.io.plates import open_plates
from ned_core.pipeline.analyze import _fresh_display8, _srgb_frames


def _movie(path, count: int = 6):
    """A tiny BT.709 H.264 movie of numbered gradients."""
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=Fraction(25))
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv444p"
        stream.options = {"crf": "0"}
        stream.codec_context.colorspace = Colorspace.ITU709
        stream.codec_context.color_range = ColorRange.MPEG
        ramp = np.linspace(0, 255, 64, dtype=np.float32)[None, :, None]
        for i in range(count):
            image = np.clip(ramp + 30 * i + np.zeros((48, 64, 3), np.float32), 0, 255).astype(np.uint8)
            frame = av.VideoFrame.from_ndarray(image, format="rgb24").reformat(
                format="yuv444p", dst_colorspace=Colorspace.ITU709, dst_color_range=ColorRange.MPEG)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def test_analysis_frames_are_arrays_of_their_own(tmp_path):
    """What the source keeps (decoded codes shared read-only with the render) is never handed over as is: a frame
    the analysis holds on to is neither changed by nor pinning the source's buffers."""
    with open_plates(str(_movie(tmp_path / "clip.mp4"))) as source:
        frames = list(_srgb_frames(source))
        assert [n for n, _ in frames] == list(source.info.frames)
        for number, image in frames:
            again = source.read_display8(number)
            assert image.flags.owndata and image.flags.writeable
            assert not np.shares_memory(image, again) and np.array_equal(image, again)
        image = _fresh_display8(source, 2)
        assert image.flags.owndata and not np.shares_memory(image, source.read_display8(2))
