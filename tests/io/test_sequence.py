"""Sequence patterns, frames on disk, gaps and ranges; sequences of every image format read back."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ned_core.exceptions import FrameRangeError, MissingFramesError, SourceNotFoundError
from ned_core.io.plates import open_plates
from ned_core.io.sequence import find_frames, frame_in_name, is_pattern, parse_pattern, select_frames


@pytest.mark.parametrize(("pattern", "prefix", "padding", "suffix", "frames"), [
    ("shot.%04d.exr", "shot.", 4, ".exr", None),
    ("shot.%d.exr", "shot.", 1, ".exr", None),
    ("shot.####.exr", "shot.", 4, ".exr", None),
    ("shot.##.exr", "shot.", 2, ".exr", None),
    ("shot.#.exr", "shot.", 4, ".exr", None),  # fileseq/RV: a lone '#' is 4 digits
    ("shot_@@@.png", "shot_", 3, ".png", None),
    ("shot.$F4.dpx", "shot.", 4, ".dpx", None),
    ("shot.1001-1005#.exr", "shot.", 4, ".exr", (1001, 1002, 1003, 1004, 1005)),
    ("shot.1-9x4,20@@.tif", "shot.", 2, ".tif", (1, 5, 9, 20)),
    ("v2_shot_####_comp.exr", "v2_shot_", 4, "_comp.exr", None),  # token inside the name
])
def test_parse_pattern(pattern, prefix, padding, suffix, frames, tmp_path):
    parsed = parse_pattern(tmp_path / pattern)
    assert (parsed.directory, parsed.prefix, parsed.padding, parsed.suffix, parsed.frames) == (
        tmp_path, prefix, padding, suffix, frames)
    assert is_pattern(pattern)


def test_names_without_token_are_not_patterns(tmp_path):
    assert not is_pattern("plate.1001.exr") and not is_pattern("IMG_1234.JPG")
    with pytest.raises(SourceNotFoundError, match="shot.####.exr"):
        parse_pattern(tmp_path / "plate.exr")


def test_frame_in_name():
    assert frame_in_name(Path("/s/plate.1001.exr")) == 1001
    assert frame_in_name(Path("plate.0000.exr")) == 0
    assert frame_in_name(Path("grace_hopper.jpg")) is None
    assert frame_in_name(Path("IMG_1234.JPG")) is None  # fileseq needs the number between dots


def _touch(folder: Path, *names: str) -> None:
    for name in names:
        (folder / name).write_bytes(b"")


def test_find_frames_uses_exact_padding_and_hints_at_other_padding(tmp_path):
    _touch(tmp_path, "a.0998.exr", "a.0999.exr", "a.10000.exr", "a.01000.exr", "a.-001.exr", "a.0999.exr.bak",
           "b.0999.exr")
    found = find_frames(parse_pattern(tmp_path / "a.####.exr"))
    assert sorted(found) == [-1, 998, 999, 10000]  # 01000 is 5-digit with a superfluous zero: not ours
    assert found[999] == tmp_path / "a.0999.exr"
    _touch(tmp_path, "c.1.png", "c.2.png")
    with pytest.raises(SourceNotFoundError, match=r"c.1.png"):
        find_frames(parse_pattern(tmp_path / "c.####.png"))
    assert sorted(find_frames(parse_pattern(tmp_path / "c.@.png"))) == [1, 2]
    with pytest.raises(SourceNotFoundError, match="does not exist"):
        find_frames(parse_pattern(tmp_path / "nowhere" / "c.@.png"))


def test_select_frames_reports_gaps_and_outside_frames(tmp_path):
    found = {n: tmp_path / f"{n}" for n in [1001, 1002, 1003, 1007, 1008, 1010]}
    with pytest.raises(MissingFramesError, match=r"4 missing frame\(s\): 1004-1006,1009"):
        select_frames(found, None, "shot")
    assert select_frames(found, (1001, 1002, 1003, 1007, 1008), "shot") == (1001, 1002, 1003, 1007, 1008)
    assert select_frames(found, (1008, 1001, 1001), "shot") == (1001, 1008)
    with pytest.raises(FrameRangeError, match="frames 1011-1020 lie outside the sequence on disk \\(1001-1010\\)"):
        select_frames(found, tuple(range(1005, 1021)), "shot")


@pytest.mark.parametrize(("extension", "dtype", "max_error", "mean_error"), [
    ("png", np.uint8, 0, 0), ("tif", np.uint16, 0, 0), ("dpx", np.uint16, 1 / 1023, 1 / 1023),
    ("jpg", np.uint8, 24 / 255, 2 / 255), ("exr", np.float16, 0, 0), ("tif", np.float32, 0, 0),
])
def test_every_format_reads_back_as_written(tmp_path, image_writer, numbered_image, extension, dtype, max_error,
                                            mean_error):
    """Sequence -> working space -> source space gives the file's values (DPX: 10-bit; JPEG: lossy)."""
    written = {}
    for n in (7, 8, 9):
        image = numbered_image(n).astype(np.float64) / 255.0
        if dtype == np.uint16:
            pixels = np.rint(image * 65535).astype(dtype)
        elif dtype == np.uint8:
            pixels = np.rint(image * 255).astype(dtype)
        else:
            pixels = image.astype(dtype)
        attrs = {"oiio:BitsPerSample": 10} if extension == "dpx" else None
        image_writer(tmp_path / f"plate_{n:03d}.{extension}", pixels, attrs)
        written[n] = pixels.astype(np.float64) / (np.iinfo(dtype).max if dtype in (np.uint8, np.uint16) else 1)
    with open_plates(tmp_path / f"plate_%03d.{extension}") as source:
        info = source.info
        assert (info.kind, info.frames, info.width, info.height, info.channels) == ("sequence", (7, 8, 9), 64, 48, 3)
        assert info.pixel_type == {np.uint8: "uint8", np.uint16: "uint16", np.float16: "half"}.get(dtype, "float")
        for frame in source:
            back = source.colour.from_working(frame.rgb, info.colourspace)
            error = np.abs(back - written[frame.number])
            assert error.max() <= max_error + 1e-5 and error.mean() <= mean_error + 1e-6, frame.number
            assert frame.alpha is None


def test_sequence_range_in_pattern_and_frames_argument(exr_sequence):
    fileseq_style = str(exr_sequence).replace("####", "1003-1005#")
    with open_plates(fileseq_style) as source:
        assert source.info.frames == (1003, 1004, 1005)
    with open_plates(fileseq_style, frames="1008-1010") as source:  # frames= wins over the name's range
        assert source.info.frames == (1008, 1009, 1010)
    with open_plates(exr_sequence, frames="1001-1010x3") as source:
        assert [f.number for f in source] == [1001, 1004, 1007, 1010]


def test_gap_in_sequence_lists_missing_frames(exr_sequence):
    for n in (1004, 1005, 1006):
        exr_sequence.with_name(f"shot.{n}.exr").unlink()
    with pytest.raises(MissingFramesError, match="1004-1006"):
        open_plates(exr_sequence)
    with open_plates(exr_sequence, frames="1001-1003,1007-1010") as source:  # skip the gap explicitly
        assert len(source) == 7


def test_range_outside_sequence(exr_sequence):
    with pytest.raises(FrameRangeError, match="1011-1020"):
        open_plates(exr_sequence, frames="1005-1020")
    with pytest.raises(FrameRangeError, match="cannot parse frame range 'ten'"):
        open_plates(exr_sequence, frames="ten")
    with pytest.raises(FrameRangeError, match="sub-frames"):
        open_plates(exr_sequence, frames="1001.5")
