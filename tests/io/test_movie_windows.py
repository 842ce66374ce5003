"""Planned windows (``PlateSource.expect_windows``): a pass that decodes a movie keeps them, a later read of them (or a
box inside them) decodes nothing and returns exactly what a fresh read returns."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ned_core.io import movie_pyav
from ned_core.io.plates import open_plates
from ned_core.io.yuv_window import PLANAR_FORMATS, picture_codes, planes_around, window_codes


def _fresh(path: Path, number: int, box: tuple[int, int, int, int]) -> np.ndarray:
    with open_plates(path) as fresh:
        return fresh.read(number, box).rgb


def _windows(count: int) -> dict[int, tuple[int, int, int, int]]:
    """A window that moves (odd offsets, the frame's edges reached, clipped on reading) over ``count`` frames."""
    return {n: (-3 + 3 * n, 5 + n, 17 + 3 * n, 29 + n) for n in range(count)}  # under WINDOW_SHARE


@pytest.mark.parametrize("pix_fmt", ["yuv420p", "yuv422p10le"])
def test_planned_windows_are_kept_as_a_pass_decodes_and_read_again_without_decoding(tmp_path, movie_writer,
                                                                                   monkeypatch, pix_fmt):
    """A set-up pass reads small patches of every frame (decoding each); the frame loop's later reads of the planned
    windows, and of boxes inside them, decode nothing more and equal fresh reads bit for bit; only the latest windows
    within the budget are kept, so the earlier frames are decoded once more, straight from the start."""
    monkeypatch.setattr(movie_pyav, "KEEP_DECODED_BYTES", 0)  # nothing else kept: the windows alone save the decode
    monkeypatch.setattr(movie_pyav, "KEEP_CONVERTED_BYTES", 0)
    monkeypatch.setattr(movie_pyav, "KEEP_WINDOW_BYTES", 16000)  # 4-9 windows' planes
    deep = "10" in pix_fmt
    path = movie_writer(tmp_path / f"{pix_fmt}.mov", count=12, pix_fmt=pix_fmt, codec="prores_ks" if deep else "libx264",
                        options={} if deep else None)
    windows = _windows(12)
    with open_plates(path) as source:
        source.expect_windows(windows)
        for number in source.info.frames:  # the set-up's pass
            source.read(number, (30, 20, 34, 24))
        decoded = source.decoded
        kept = sorted(source._decoder._kept_windows._frames)
        assert 3 <= len(kept) < 12 and kept == list(range(12 - len(kept), 12))  # the latest ones
        for number in source.info.frames:  # the frame loop's pass
            assert np.array_equal(source.read(number, windows[number]).rgb, _fresh(path, number, windows[number]))
        assert source.decoded - decoded == 12 - len(kept)  # the kept ones decoded no more
        inside = (windows[11][0] + 1, windows[11][1] + 2, windows[11][2] - 3, windows[11][3] - 1)
        before = source.decoded
        assert np.array_equal(source.read(11, inside).rgb, _fresh(path, 11, inside))
        assert source.decoded == before


@pytest.mark.parametrize("pix_fmt", ["yuv420p", "yuv422p", "yuv444p", "yuv420p10le"])
def test_a_box_inside_a_window_converts_from_its_planes_as_from_the_whole_picture(pix_fmt):
    """``planes_around``: boxes inside the window, at the picture's edges too, convert from the part to exactly the
    whole picture's codes (a part cut with fewer margin samples would not: the chroma filter reaches beyond the box)."""
    layout = PLANAR_FORMATS[pix_fmt]
    rng = np.random.default_rng(1)
    dtype = np.uint8 if layout.bits == 8 else np.uint16
    height, width = 37, 50  # odd: the last chroma sample covers one luma row
    planes = (rng.integers(16, 236 << (layout.bits - 8), (height, width), dtype=dtype),
              *(rng.integers(16, 241 << (layout.bits - 8), (-(-height >> layout.shift_y), -(-width >> layout.shift_x)),
                             dtype=dtype) for _ in range(2)))
    convert = (lambda p, b: picture_codes(p, layout, 1, False, b)) if layout.bits == 8 else \
        (lambda p, b: window_codes(p, layout, 1, False, b, np.uint16))
    for window in [(11, 7, 31, 26), (0, 0, 17, 15), (33, 21, 50, 37)]:
        (x, y), part = planes_around(planes, layout, window)
        x0, y0, x1, y1 = window
        for box in [window, (x0 + 1, y0 + 3, x1 - 2, y1 - 1), (x1 - 3, y1 - 3, x1, y1)]:
            moved = (box[0] - x, box[1] - y, box[2] - x, box[3] - y)
            assert np.array_equal(convert(part, moved), convert(planes, box)), (window, box)
