"""Whole frames an image sequence decoded are kept for window reads of the same frames (issue 13: a render reads
windows of the frames its analysis read whole): the same values as decoding the window from the file, the latest
frames within the budget, float samples kept exactly."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import OpenImageIO as oiio
import pytest

from ned_core.io import image_source
from ned_core.io.image_read import read_pixels
from ned_core.io.plates import open_plates

WIDTH, HEIGHT = 48, 40
BOX = (5, 7, 41, 33)


def _sequence(folder: Path, count: int, sample: str = "half", alpha: bool = False) -> Path:
    """``count`` EXR frames (1..count) of noise with highlights and a NaN, ``sample`` type, RGB or RGBA."""
    names = ("R", "G", "B", "A") if alpha else ("R", "G", "B")
    for number in range(1, count + 1):
        pixels = np.random.default_rng(number).uniform(-1.0, 300.0, (HEIGHT, WIDTH, len(names))).astype(np.float16)
        pixels = pixels.astype(np.float32)  # half values, so a float file differs from half in one sample only
        pixels[10, 10, 0] = np.nan  # inside BOX, as the next one
        pixels[20, 20, 1] = 1.0 + 2.0 ** -20  # not a half value: a float file must keep it
        spec = oiio.ImageSpec(WIDTH, HEIGHT, len(names), sample)
        spec.channelnames = names
        spec.attribute("compression", "zip")
        out = oiio.ImageOutput.create(str(folder / f"k.{number:04d}.exr"))
        assert out.open(str(folder / f"k.{number:04d}.exr"), spec) and out.write_image(pixels), oiio.geterror()
        out.close()
    return folder / "k.####.exr"


class _Decodes:
    """Counts the files :func:`read_pixels` decodes (wrapping the real reader)."""

    def __init__(self, monkeypatch):
        self.windows = 0
        real = image_source.read_pixels

        def counted(path, where, box=None, shot_size=None, widen=True):
            self.windows += box is not None
            return real(path, where, box, shot_size, widen)

        monkeypatch.setattr(image_source, "read_pixels", counted)


@pytest.mark.filterwarnings("ignore:invalid value encountered in cast")  # the NaN sample, quantised for display
@pytest.mark.parametrize("sample, alpha", [("half", False), ("float", False), ("half", True)])
def test_windows_of_frames_read_whole_are_cut_from_them_with_the_files_values(tmp_path, monkeypatch, sample, alpha):
    pattern = _sequence(tmp_path, 3, sample, alpha)
    monkeypatch.setattr(image_source, "_CHECK_ROWS", 4)  # the non-half value (row 20) lies in the sixth band checked
    with open_plates(pattern) as fresh:  # nothing read whole: windows decoded from the files
        want = {n: fresh.read(n, BOX) for n in fresh.info.frames}
    decodes = _Decodes(monkeypatch)
    with open_plates(pattern) as source:
        for number in source.info.frames:
            source.read_display8(number)  # the analysis' whole read (converted in place: the kept copy is not)
        for _ in range(2):  # a window converted in place by its reader leaves the kept frame as it was
            for number in source.info.frames:
                got = source.read(number, BOX)
                assert got.origin == want[number].origin and got.rgb.dtype == np.float32
                np.testing.assert_array_equal(got.rgb, want[number].rgb)
                np.testing.assert_array_equal(got.alpha, want[number].alpha)
    assert decodes.windows == 0


@pytest.mark.filterwarnings("ignore:invalid value encountered in cast")
def test_only_the_latest_frames_that_fit_are_kept_and_closing_lets_them_go(tmp_path, monkeypatch):
    pattern = _sequence(tmp_path, 5)
    frame_bytes = HEIGHT * WIDTH * 3 * 2  # half RGB
    monkeypatch.setattr(image_source, "KEEP_DECODED_BYTES", 2 * frame_bytes)
    decodes = _Decodes(monkeypatch)
    with open_plates(pattern) as source:
        for number in source.info.frames:
            source.read_display8(number)
        assert len(source._kept) == 2 and source._kept.used == 2 * frame_bytes
        for number in source.info.frames:
            source.read(number, BOX)
        assert decodes.windows == 3  # frames 1-3 decoded again, 4 and 5 cut from the kept ones
    assert len(source._kept) == 0


@pytest.mark.parametrize("sample, alpha", [("half", False), ("float", False), ("half", True)])
def test_half_files_are_read_as_half_when_asked_and_kept_as_read(tmp_path, sample, alpha):
    """``read_pixels(widen=False)`` leaves a half file's samples half (a float file's float), the same values the
    widened read gives; a sequence keeps a half frame it read whole as those very arrays (no check, no copy), and
    hands the reader float32 widened from them."""
    pattern = _sequence(tmp_path, 1, sample, alpha)
    path = tmp_path / "k.0001.exr"
    wide, narrow = read_pixels(path, "k"), read_pixels(path, "k", widen=False)
    kind = np.float16 if sample == "half" else np.float32
    assert wide.rgb.dtype == np.float32 and narrow.rgb.dtype == kind
    assert np.array_equal(narrow.rgb.astype(np.float32), wide.rgb, equal_nan=True)
    if alpha:
        assert narrow.alpha.dtype == kind and np.array_equal(narrow.alpha.astype(np.float32), wide.alpha)
    with open_plates(pattern) as source:
        raw = source._decode(1)
        kept = source._kept.get(0)
        assert raw.rgb.dtype == np.float32 and np.array_equal(raw.rgb, wide.rgb, equal_nan=True)
        assert kept.rgb.dtype == kind and not np.shares_memory(kept.rgb, raw.rgb)  # the float file: its non-half value
