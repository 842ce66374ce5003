"""Inline frames: checked against the declared source, stored losslessly where the pipeline reads them."""

from __future__ import annotations

import numpy as np
import OpenImageIO as oiio
import pytest

from ned_node.errors import InlineFrameError, JobRequestError
from ned_node.inline import check_chunk, inline_bytes, input_path, write_frame
from ned_protocol import make_buffer

SOURCE = {"kind": "inline", "frames": {"first": 10, "last": 14, "step": 2}, "width": 6, "height": 4, "channels": 4,
          "dtype": "float16", "colorspace": None}


def _read(path):
    inp = oiio.ImageInput.open(str(path))
    spec = inp.spec()
    pixels = inp.read_image(0, 0, 0, spec.nchannels, spec.format)
    names = tuple(spec.channelnames)
    inp.close()
    return pixels, names, str(spec.format)


@pytest.mark.parametrize("dtype, channels, suffix, fmt", [
    ("float16", 4, ".exr", "half"), ("float32", 3, ".exr", "float"), ("uint8", 3, ".tif", "uint8"),
    ("uint16", 1, ".tif", "uint16")])
def test_frames_round_trip_exactly(tmp_path, dtype, channels, suffix, fmt):
    source = {**SOURCE, "dtype": dtype, "channels": channels}
    rng = np.random.default_rng(0)
    scale = {"uint8": 255, "uint16": 60000}.get(dtype, 1)
    pixels = (rng.random((4, 6, channels)) * scale).astype(dtype)
    path = input_path(tmp_path, source, 12)
    write_frame(path, source, make_buffer("frame", dtype, pixels.shape, pixels))
    assert path.name == f"src.0012{suffix}"
    back, names, written = _read(path)
    assert written == fmt
    np.testing.assert_array_equal(back.reshape(pixels.shape), pixels)
    assert names == {1: ("Y",), 3: ("R", "G", "B"), 4: ("R", "G", "B", "A")}[channels]
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [path.name]  # no temporary file left


def test_chunks_must_match_the_declared_source():
    good = make_buffer("frame", "float16", (4, 6, 4), np.zeros((4, 6, 4), np.float16))
    check_chunk(SOURCE, [10, 12], (good, good))
    with pytest.raises(JobRequestError, match="outside"):
        check_chunk(SOURCE, [11], (good,))
    with pytest.raises(JobRequestError, match="twice"):
        check_chunk(SOURCE, [10, 10], (good, good))
    wrong_shape = make_buffer("frame", "float16", (6, 4, 4), np.zeros((6, 4, 4), np.float16))
    with pytest.raises(InlineFrameError, match=r"declares float16 \[4, 6, 4\]") as err:
        check_chunk(SOURCE, [14], (wrong_shape,))
    assert err.value.code == "buffer_mismatch"
    wrong_type = make_buffer("frame", "float32", (4, 6, 4), np.zeros((4, 6, 4), np.float32))
    with pytest.raises(InlineFrameError):
        check_chunk(SOURCE, [14], (wrong_type,))


def test_inline_size():
    assert inline_bytes(SOURCE) == 3 * 4 * 6 * 4 * 2
