"""A renderer unwraps each of its occlusion reference's sample frames once: the set-up's grid serves the plate too."""

from __future__ import annotations

import numpy as np

import ned_core.composite.occlusion as occlusion
from ned_core.io.plates import open_plates
from ned_core.pipeline.frame_render import FrameRenderer, _local
from ned_core.synthetic import write_mp4


def test_a_sample_frame_is_unwrapped_once_and_the_same(tmp_path, actor_clip, analyse, ned_config, monkeypatch):
    """The grid kept from the set-up (read from the movie in the face's box) equals the one the plate would unwrap from
    the frame loop's larger window of the same frame (each converted from its own YUV planes), to the bit; the plate of
    a sample frame does not unwrap it again."""
    movie = write_mp4(actor_clip.frames, tmp_path / "actor.mp4", 25.0)
    track = analyse(movie).track
    rows = {int(n): i for i, n in enumerate(track.track.frames)}
    with open_plates(str(movie), colour=ned_config.colour) as source:
        renderer = FrameRenderer(ned_config, source, track)
        assert len(renderer.unwrapped) >= 3
        for number, kept in renderer.unwrapped.items():
            src = track.landmarks[rows[number]]
            dst = src + np.array([3.0, 5.0, 0.0], np.float32)  # a target that moves: the window is not the sample's box
            frame = source.read(number, renderer.window(src, dst))
            local_src, _ = _local(frame.origin, src, dst)
            assert np.array_equal(kept, occlusion.to_canonical(frame.rgb, local_src), equal_nan=True), number
        unwrapped = []
        monkeypatch.setattr(occlusion, "to_canonical", lambda *a: unwrapped.append(a) or np.nan)
        number = next(iter(renderer.unwrapped))
        src = track.landmarks[rows[number]]
        frame = source.read(number, renderer.window(src, src))
        renderer.plate(frame, renderer.warp(frame, src, src), src, src)
        assert unwrapped == []
