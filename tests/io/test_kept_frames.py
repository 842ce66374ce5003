"""The decoder's kept frames: the latest frames within the byte budget, so the readers after an analysis decode each
frame that is not kept once, from the start, instead of the kept ones again as lead-in."""

from __future__ import annotations

import numpy as np

from ned_core.io import movie_pyav
from ned_core.io.kept_frames import LatestFrames
from ned_core.io.plates import open_plates


def test_later_frames_push_out_the_earliest_and_earlier_ones_are_not_kept():
    kept = LatestFrames[str](budget=30)
    assert all(kept.add(n, f"f{n}", 10) for n in range(3))
    assert kept.add(3, "f3", 10) and 0 not in kept and [n for n in range(4) if n in kept] == [1, 2, 3]
    assert kept.add(5, "f5", 20) and [n for n in range(6) if n in kept] == [3, 5] and kept.used == 30
    assert not kept.add(1, "f1", 10) and 1 not in kept  # earlier than every kept frame and no room
    assert not kept.add(4, "f4", 40)  # larger than the whole budget
    assert not kept.add(3, "again", 1) and kept.get(3) == "f3"  # a kept index is not replaced
    assert kept.get(2) is None and len(kept) == 2


def test_a_frame_between_kept_ones_pushes_out_only_earlier_frames():
    kept = LatestFrames[int](budget=30)
    for n in (2, 6, 8):
        kept.add(n, n, 10)
    assert kept.fits(4, 10) and kept.add(4, 4, 10)  # frame 2 makes room
    assert [n for n in range(10) if n in kept] == [4, 6, 8]
    assert not kept.fits(5, 20)  # only frame 4 is earlier: 10 bytes of room, not 20
    assert kept.add(9, 9, 20) and [n for n in range(10) if n in kept] == [8, 9]
    kept.clear()
    assert len(kept) == 0 and kept.used == 0


def test_with_the_last_index_known_only_frames_that_stay_are_made_and_kept():
    kept = LatestFrames[int](budget=30, last=9)
    assert [n for n in range(10) if kept.fits(n, 10) and kept.add(n, n, 10)] == [7, 8, 9]
    assert kept.used == 30 and not kept.fits(12, 40)


def test_render_reads_after_the_analysis_decode_only_the_frames_not_kept(tmp_path, movie_writer, monkeypatch):
    """A long-GOP movie (one keyframe) read whole (the analysis), then twice by windows from the first frame on (a
    render's set-up pass and frame loop): each later pass decodes the frames before the kept ones, once."""
    count, kept = 30, 10
    picture = 48 * 64 * 3  # one 8-bit 4:4:4 picture, and its RGB codes
    monkeypatch.setattr(movie_pyav, "KEEP_DECODED_BYTES", kept * picture)
    monkeypatch.setattr(movie_pyav, "KEEP_CONVERTED_BYTES", kept * picture)
    path = movie_writer(tmp_path / "long_gop.mp4", count=count, options={"crf": "0", "g": "300"})
    small, large = (4, 4, 20, 20), (0, 0, 60, 44)  # converted from the planes / cut from the whole frame
    with open_plates(path) as reference:
        want = {n: (reference.read(n, small).rgb, reference.read(n, large).rgb) for n in range(count)}
    with open_plates(path) as source:
        for number in source.info.frames:
            source.read_display8(number)
        assert source.decoded == count
        for box, k in ((small, 0), (large, 1)):
            for number in source.info.frames:
                assert np.array_equal(source.read(number, box).rgb, want[number][k]), (number, box)
        assert source.decoded == count + 2 * (count - kept)  # the first 20 again in each pass, never the last 10


def test_a_frame_read_whole_then_by_its_face_window_is_converted_once(tmp_path, movie_writer, monkeypatch):
    """A preview render reads each frame whole, then its face window: with nothing kept (past the budgets), the
    window is cut from the codes just converted, not converted again; the bits are those of a fresh conversion."""
    monkeypatch.setattr(movie_pyav, "KEEP_DECODED_BYTES", 0)
    monkeypatch.setattr(movie_pyav, "KEEP_CONVERTED_BYTES", 0)
    path = movie_writer(tmp_path / "preview.mp4", count=6)
    large = (2, 3, 60, 40)  # over WINDOW_SHARE: cut from the whole frame
    with open_plates(path) as reference:
        want = {n: reference.read(n, large).rgb for n in range(6)}
    with open_plates(path) as source:
        for number in source.info.frames:
            whole = source.read(number)
            window = source.read(number, large)
            assert np.array_equal(window.rgb, want[number])
            assert np.array_equal(window.rgb, whole.rgb[3:40, 2:60])
        assert source._decoder.converted == 6 and source.decoded == 6
