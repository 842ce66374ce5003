"""H.264 previews: frames encoded, the source audio muxed back for the rendered span only."""

from __future__ import annotations

from fractions import Fraction

import av
import numpy as np
import pytest

from ned_core.exceptions import PreviewError
from ned_core.io.plates import open_plates
from ned_core.io.preview import PreviewWriter, audio_span


def _movie_with_audio(path, frames=48, fps=24, rate=48000):
    with av.open(str(path), "w") as out:
        v = out.add_stream("libx264", rate=fps)
        v.width, v.height, v.pix_fmt = 64, 48, "yuv420p"
        a = out.add_stream("aac", rate=rate, layout="mono")
        for i in range(frames):
            img = np.full((48, 64, 3), (i * 5) % 255, np.uint8)
            for p in v.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                out.mux(p)
        t = np.arange(int(rate * frames / fps)) / rate
        tone = (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)[None]
        for s in range(0, tone.shape[1], 1024):
            f = av.AudioFrame.from_ndarray(np.ascontiguousarray(tone[:, s:s + 1024]), format="fltp", layout="mono")
            f.sample_rate, f.pts = rate, s
            for p in a.encode(f):
                out.mux(p)
        for p in [*v.encode(None), *a.encode(None)]:
            out.mux(p)


def test_preview_has_video_and_audio_of_the_rendered_span(tmp_path):
    src = tmp_path / "take.mp4"
    _movie_with_audio(src)
    with open_plates(src, frames="12-35") as plates:
        movie, span = audio_span(plates, start_frame=0)
        assert movie == src and span == pytest.approx((0.5, 1.5))
        writer = PreviewWriter(tmp_path / "prev.mp4", (plates.info.width, plates.info.height), plates.info.fps,
                               movie, span)
        for frame in plates:
            writer.add(plates.colour.working_to_srgb8(frame.rgb))
        out = writer.close()
    assert writer.has_audio
    with av.open(str(out)) as c:
        v = c.streams.video[0]
        assert c.streams.audio
        assert sum(1 for _ in c.decode(v)) == 24
    with av.open(str(out)) as c:
        samples = sum(f.samples for f in c.decode(c.streams.audio[0]))
    assert abs(samples / 48000 - 1.0) < 0.05  # 24 frames at 24 fps = 1 s of audio, not the whole take


def test_preview_without_audio_source_and_odd_size(tmp_path):
    writer = PreviewWriter(tmp_path / "p.mp4", (65, 49), Fraction(25), None, None)
    for _ in range(3):
        writer.add(np.zeros((49, 65, 3), np.uint8))
    out = writer.close()
    with av.open(str(out)) as c:
        assert not c.streams.audio and c.streams.video[0].width == 64


def test_failed_preview_leaves_nothing(tmp_path):
    writer = PreviewWriter(tmp_path / "p.mp4", (64, 48), Fraction(24))
    writer.add(np.zeros((48, 64, 3), np.uint8))
    with pytest.raises(PreviewError):
        writer.close(error=PreviewError("render failed"))
    assert list(tmp_path.iterdir()) == []
