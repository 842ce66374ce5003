"""Reading a window of an image file (``read_pixels(box=...)``, ``ImageSource.read(n, window)``): only the scanlines
the window spans are decoded, with exactly the whole frame's values there."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import OpenImageIO as oiio
import pytest

from ned_core.exceptions import FrameReadError
from ned_core.io.image_read import float32_copy, read_pixels
from ned_core.io.plates import open_plates

WIDTH, HEIGHT = 64, 96
BOXES = [(0, 0, WIDTH, HEIGHT), (10, 20, 50, 70), (0, 33, 17, 34), (40, 80, 64, 96), (1, 0, 2, 96), (0, 0, 5, 5)]


def _write_exr(path: Path, pixels: np.ndarray, names: tuple[str, ...], data_window: tuple[int, int] = (0, 0),
               tiled: bool = False, compression: str = "zip") -> Path:
    """``pixels`` (h, w, c) as a half EXR whose data window starts at ``data_window`` in a WIDTH x HEIGHT display."""
    height, width, channels = pixels.shape
    spec = oiio.ImageSpec(width, height, channels, "half")
    spec.x, spec.y = data_window
    spec.full_x, spec.full_y, spec.full_width, spec.full_height = 0, 0, WIDTH, HEIGHT
    spec.channelnames = names
    spec.attribute("compression", compression)
    if tiled:
        spec.tile_width = spec.tile_height = 16
    out = oiio.ImageOutput.create(str(path))
    assert out is not None and out.open(str(path), spec), oiio.geterror()
    assert out.write_image(pixels), out.geterror()
    out.close()
    return path


def _pixels(height: int, width: int, channels: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).uniform(-0.5, 4.0, (height, width, channels)).astype(np.float16)


LAYOUTS = {
    "scanlines": dict(shape=(HEIGHT, WIDTH, 3), names=("R", "G", "B")),
    "tiled rgba": dict(shape=(HEIGHT, WIDTH, 4), names=("R", "G", "B", "A"), tiled=True),
    "data window inside": dict(shape=(30, 20, 4), names=("R", "G", "B", "A"), data_window=(25, 40)),
    "tiled, data window inside": dict(shape=(37, 21, 3), names=("R", "G", "B"), data_window=(30, 50), tiled=True),
    "overscan": dict(shape=(HEIGHT + 20, WIDTH + 8, 3), names=("R", "G", "B"), data_window=(-4, -10)),
    "grey + alpha, layers": dict(shape=(HEIGHT, WIDTH, 4), names=("A", "Y", "depth.Z", "diffuse.R")),
    "piz": dict(shape=(HEIGHT, WIDTH, 3), names=("R", "G", "B"), compression="piz"),
}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_window_holds_exactly_the_whole_frames_pixels_there(tmp_path, layout):
    kind = dict(LAYOUTS[layout])
    path = _write_exr(tmp_path / "f.exr", _pixels(*kind.pop("shape")), **kind)
    whole = read_pixels(path, "f")
    assert whole.rgb.shape == (HEIGHT, WIDTH, 3)
    for x0, y0, x1, y1 in BOXES:
        part = read_pixels(path, "f", (x0, y0, x1, y1), (WIDTH, HEIGHT))
        assert part.rgb.shape == (y1 - y0, x1 - x0, 3) and part.rgb.dtype == np.float32 and part.rgb.flags.c_contiguous
        np.testing.assert_array_equal(part.rgb, whole.rgb[y0:y1, x0:x1])
        assert (part.alpha is None) == (whole.alpha is None) and part.straight_alpha == whole.straight_alpha
        if whole.alpha is not None:
            np.testing.assert_array_equal(part.alpha, whole.alpha[y0:y1, x0:x1])


def test_a_window_decodes_only_the_rows_it_spans(tmp_path):
    """The last rows' chunk of a zip EXR (16 scanlines a chunk) is damaged: the whole frame cannot be read, a window
    of the top rows still can (it is never decoded), one reaching the damaged rows cannot."""
    path = _write_exr(tmp_path / "f.exr", _pixels(HEIGHT, WIDTH, 3), ("R", "G", "B"))
    intact = read_pixels(path, "f")
    data = bytearray(path.read_bytes())
    data[-40:] = bytes(range(40))  # inside the compressed data of the last chunk (rows 80-95)
    path.write_bytes(bytes(data))
    with pytest.raises(FrameReadError, match="f: cannot decode"):
        read_pixels(path, "f")
    top = read_pixels(path, "f", (8, 0, 40, 64))
    np.testing.assert_array_equal(top.rgb, intact.rgb[0:64, 8:40])
    with pytest.raises(FrameReadError, match="f: cannot decode"):
        read_pixels(path, "f", (8, 60, 40, 90))


def test_window_reads_of_a_sequence_check_size_and_alpha(tmp_path):
    for number in (1, 2, 3):
        _write_exr(tmp_path / f"s.{number:04d}.exr", _pixels(HEIGHT, WIDTH, 4, number), ("R", "G", "B", "A"))
    _write_exr(tmp_path / "s.0004.exr", _pixels(HEIGHT, WIDTH, 3, 4), ("R", "G", "B"))  # no alpha
    spec = oiio.ImageSpec(WIDTH + 2, HEIGHT, 4, "half")
    bigger = oiio.ImageOutput.create(str(tmp_path / "s.0005.exr"))
    bigger.open(str(tmp_path / "s.0005.exr"), spec)
    bigger.write_image(_pixels(HEIGHT, WIDTH + 2, 4, 5))
    bigger.close()
    with open_plates(tmp_path / "s.####.exr") as source:
        for number in (1, 2, 3):
            whole = source.read(number)
            part = source.read(number, (7, 11, 50, 60))
            assert part.origin == (7, 11)
            np.testing.assert_array_equal(part.rgb, whole.rgb[11:60, 7:50])
            np.testing.assert_array_equal(part.alpha, whole.alpha[11:60, 7:50])
        with pytest.raises(FrameReadError, match="s.0004.exr frame 4: frame has no alpha"):
            source.read(4, (7, 11, 50, 60))
        with pytest.raises(FrameReadError, match="s.0005.exr frame 5: frame is 66x96 but the shot is 64x96"):
            source.read(5, (7, 11, 50, 60))


@pytest.mark.parametrize("formats", [("half",) * 4, ("float",) * 4, ("half", "half", "half", "float"),
                                     ("float", "half", "half", "half")])
def test_half_float_and_mixed_exr_samples_are_read_exactly(tmp_path, formats):
    pixels = np.random.default_rng(3).uniform(-2, 60000, (HEIGHT, WIDTH, 4)).astype(np.float32)
    pixels[0, :3, 0] = [1e-7, np.inf, -65504]
    spec = oiio.ImageSpec(WIDTH, HEIGHT, 4, formats[0])
    spec.channelnames = ("R", "G", "B", "A")
    if len(set(formats)) > 1:
        spec.channelformats = tuple(oiio.TypeDesc(f) for f in formats)
    path = tmp_path / "f.exr"
    out = oiio.ImageOutput.create(str(path))
    assert out.open(str(path), spec) and out.write_image(pixels), out.geterror()
    out.close()
    written = oiio.ImageInput.open(str(path))
    assert [str(written.spec().channelformat(c)) for c in range(4)] == list(formats)
    written.close()
    stored = np.stack([pixels[..., c].astype(np.float16 if f == "half" else np.float32).astype(np.float32)
                       for c, f in enumerate(formats)], -1)
    for box in (None, (5, 7, 60, 90)):
        x0, y0, x1, y1 = box or (0, 0, WIDTH, HEIGHT)
        raw = read_pixels(path, "f", box)
        assert raw.rgb.dtype == np.float32 and raw.alpha.dtype == np.float32 and raw.rgb.flags.c_contiguous
        np.testing.assert_array_equal(raw.rgb, stored[y0:y1, x0:x1, :3])
        np.testing.assert_array_equal(raw.alpha, stored[y0:y1, x0:x1, 3])


def test_half_samples_widen_to_the_values_numpy_gives_in_a_fresh_array():
    """``float32_copy`` (OpenCV's conversion, ~10x less CPU than numpy's, issue 13) of every half value: numpy's
    float32 value (NaNs NaN), in a fresh C-contiguous array, also from a strided window."""
    every = np.arange(65536, dtype=np.uint16).view(np.float16).reshape(256, 64, 4)
    for samples in (every, every[10:200:3, 5:60, 1:]):
        got = float32_copy(samples)
        assert got.dtype == np.float32 and got.flags.c_contiguous and got.shape == samples.shape
        np.testing.assert_array_equal(got, samples.astype(np.float32))  # NaN where NaN
        assert not np.shares_memory(got, samples)
    floats = np.float32([[1.0 + 2.0 ** -20, -3.5]])
    copied = float32_copy(floats)
    assert np.array_equal(copied, floats) and not np.shares_memory(copied, floats)
