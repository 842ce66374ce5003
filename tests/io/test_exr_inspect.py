"""Inspecting plate headers and finding plate files (single file, folder, frame pattern)."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import numpy as np
import OpenImageIO as oiio
import pytest
from skimage.data import astronaut

from ned_core.exceptions import PlateInspectError
from ned_core.io.exr import FacePlate, PlateMetadata, PlateWriteConfig, face_data_window, write_face_plate
from ned_core.io.exr_inspect import find_plate_files, inspect_plate

META = PlateMetadata(fps=Fraction(24000, 1001), timecode="01:00:00:00", owner="ned", comments="sh010",
                     cap_date="2024:05:01 12:00:00", params={"emotion": "angry", "intensity": 0.7})


def write_plate(path: Path, frame: int, config: PlateWriteConfig = PlateWriteConfig()) -> Path:
    image = astronaut().astype(np.float32) / 255.0
    x0, y0, x1, y1 = face_data_window((170, 40, 300, 200), (512, 512), 0.15)
    rgba = np.concatenate([image[y0:y1, x0:x1], np.ones((y1 - y0, x1 - x0, 1), np.float32)], axis=2)
    plate = FacePlate(frame, (512, 512), (x0, y0, x1, y1), rgba, np.ones((y1 - y0, x1 - x0), np.float32),
                      {"debug.landmarks": np.zeros((y1 - y0, x1 - x0), np.float32)})
    return write_face_plate(path, plate, META, config)


def test_inspect_reports_windows_channels_compression_and_metadata(tmp_path: Path):
    config = PlateWriteConfig("dwab:60", write_debug_layers=True)
    info = inspect_plate(write_plate(tmp_path / "p.1001.exr", 1001, config))
    assert info["display_window"] == {"x": 0, "y": 0, "width": 512, "height": 512}
    assert info["data_window"] == {"x": 150, "y": 16, "width": 170, "height": 208}
    assert info["full_frame"] is False and info["parts"] == 1 and info["alpha_channel"] == 3
    assert [c["name"] for c in info["channels"]] == ["R", "G", "B", "A", "debug.landmarks.A", "facemask.A"]
    assert {c["type"] for c in info["channels"]} == {"half"}
    assert info["compression"] == "dwab:60"
    meta = info["metadata"]
    assert meta["framesPerSecond"] == "24000/1001" and meta["timeCode"] == "01:00:00:00"
    assert meta["owner"] == "ned" and meta["comments"] == "sh010" and meta["capDate"] == "2024:05:01 12:00:00"
    assert meta["ned/emotion"] == "angry" and meta["ned/intensity"] == 0.7 and meta["ned/frame"] == 1001
    assert not any(k.startswith("oiio:") or k == "compression" for k in meta)
    json.dumps(info)  # JSON-ready as it is


def test_inspect_full_frame_plate(tmp_path: Path):
    info = inspect_plate(write_plate(tmp_path / "p.exr", 1, PlateWriteConfig(full_frame=True)))
    assert info["full_frame"] is True and info["data_window"] == info["display_window"]


def test_inspect_refuses_missing_corrupt_and_non_exr_files(tmp_path: Path):
    with pytest.raises(PlateInspectError, match="no such file"):
        inspect_plate(tmp_path / "absent.exr")
    truncated = tmp_path / "cut.exr"
    truncated.write_bytes(write_plate(tmp_path / "whole.exr", 1).read_bytes()[:300])
    with pytest.raises(PlateInspectError, match="cut.exr: cannot read as EXR"):
        inspect_plate(truncated)
    png = tmp_path / "still.png"
    oiio.ImageBuf(oiio.ImageSpec(4, 4, 3, "uint8")).write(str(png))
    with pytest.raises(PlateInspectError, match="still.png: is png, not OpenEXR"):
        inspect_plate(png)


def test_verify_pixels_catches_truncated_data_the_header_hides(tmp_path: Path):
    whole = write_plate(tmp_path / "whole.exr", 1, PlateWriteConfig("zip")).read_bytes()
    cut = tmp_path / "cut.exr"
    cut.write_bytes(whole[: len(whole) * 2 // 3])  # header intact, last scanline chunks gone
    assert inspect_plate(cut)["pixels_verified"] is False
    assert inspect_plate(tmp_path / "whole.exr", verify_pixels=True)["pixels_verified"] is True
    with pytest.raises(PlateInspectError, match="cut.exr: pixel data is damaged"):
        inspect_plate(cut, verify_pixels=True)


def test_find_plate_files_by_pattern_folder_and_file(tmp_path: Path):
    for frame in (1001, 1002, 1004):
        write_plate(tmp_path / f"sh010.{frame:04d}.exr", frame)
    (tmp_path / "notes.txt").write_text("not a plate")
    for target in (tmp_path / "sh010.####.exr", tmp_path / "sh010.%04d.exr", tmp_path):
        found = find_plate_files(target)
        assert [f.frame for f in found] == [1001, 1002, 1004]
        assert [f.path.name for f in found] == ["sh010.1001.exr", "sh010.1002.exr", "sh010.1004.exr"]
    (single,) = find_plate_files(tmp_path / "sh010.1002.exr")
    assert single.frame == 1002


def test_find_plate_files_reports_nothing_found(tmp_path: Path):
    with pytest.raises(PlateInspectError, match="no such file, folder or frame sequence"):
        find_plate_files(tmp_path / "none.####.exr")
    with pytest.raises(PlateInspectError, match="contains no .exr files"):
        find_plate_files(tmp_path)
