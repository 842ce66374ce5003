"""The frames the pipeline hands the analysis are held without a copy where that pins nothing and nothing changes them."""

from __future__ import annotations

from fractions import Fraction

import av
import numpy as np
from av.video.reformatter import ColorRange, Colorspace

from ned_core.io.plates import open_plates
from ned_core.analysis.shot import held
from ned_core.pipeline.analyze import _srgb_frames


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


def test_analysis_frames_are_held_without_pinning_the_decoder(tmp_path):
    """What the pipeline's reader hands the analysis is held as is only when that costs no memory and nothing can
    change it: arrays of their own, or the decoded codes the movie keeps (read-only) for the render."""
    with open_plates(str(_movie(tmp_path / "clip.mp4"))) as source:
        frames = list(_srgb_frames(source))
        assert [n for n, _ in frames] == list(source.info.frames)
        for number, image in frames:
            kept = held(image, fresh=True)
            assert np.array_equal(kept, source.read_display8(number))
            if image.flags.owndata or not image.flags.writeable:
                assert kept is image
            else:
                assert kept.flags.owndata and not np.shares_memory(kept, image)


def test_held_frames_are_copied_unless_fresh_and_owned_or_read_only():
    buffer = np.arange(2 * 4 * 6 * 3, dtype=np.uint8).reshape(2, 4, 6, 3)
    view = buffer[1]  # a writable view: its owner may reuse it
    assert not np.shares_memory(held(view, fresh=True), buffer)
    own = buffer[0].copy()
    assert held(own, fresh=True) is own
    assert held(own, fresh=False) is not own and np.array_equal(held(own, fresh=False), own)
    frozen = buffer[1]
    frozen.flags.writeable = False  # read-only: nothing changes it through this array
    assert held(frozen, fresh=True) is frozen
    assert not np.shares_memory(held(frozen, fresh=False), buffer)
