"""`render_shot` plans the frame loop's face windows before the renderer's set-up decodes the movie: the set-up's
pass keeps them, so the loop decodes no frame again, and the plates are the same bits as without kept windows."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from ned_core.io import movie_pyav
from ned_core.io.exr import read_face_plate
from ned_core.synthetic import write_mp4

FRAMES = 10


def test_the_frame_loop_reads_the_windows_the_set_up_kept(actor_clip, render, ned_config, tmp_path: Path, monkeypatch):
    movie = write_mp4(actor_clip.frames[:FRAMES], tmp_path / "actor.mp4", 25.0)
    config = replace(ned_config, cache_dir=None)  # nothing cached: the analysis and the set-up each decode the movie
    monkeypatch.setattr(movie_pyav, "KEEP_CONVERTED_BYTES", 0)  # the analysis keeps no frame for the render
    monkeypatch.setattr(movie_pyav, "KEEP_DECODED_BYTES", 0)
    decoded: list[tuple[int, int]] = []  # (frames decoded, windows kept) by each decoder closed
    close = movie_pyav.PyAVDecoder.close

    def counted(decoder):
        decoded.append((decoder.decoded, len(decoder._kept_windows)))
        close(decoder)

    monkeypatch.setattr(movie_pyav.PyAVDecoder, "close", counted)
    plates, counts = {}, []
    for budget in (0, movie_pyav.KEEP_WINDOW_BYTES):
        monkeypatch.setattr(movie_pyav, "KEEP_WINDOW_BYTES", budget)
        decoded.clear()
        summary = render(movie, tmp_path / f"out{budget}", config=config, emotion="happy")
        assert len(summary.plates) == FRAMES and summary.no_face_frames == ()
        plates[budget] = [read_face_plate(p)[0] for p in summary.plates]
        counts.append(decoded[:])
    (without, _), (with_windows, kept) = (np.sum(c, axis=0) for c in counts)
    # the set-up's pass (mouth patches) kept the window of every frame it decoded: each spares the loop a decode
    assert kept >= FRAMES - 1 and without - with_windows == kept, counts
    for a, b in zip(*plates.values()):
        assert a.data_window == b.data_window and np.array_equal(a.rgba, b.rgba)
