"""`ned plates inspect` on real plates: in-process via CliRunner and as a user runs it (subprocess)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from matplotlib import cbook
from matplotlib.image import imread

from ned_core.cli.main import cli
from ned_core.io.exr import FacePlate, PlateMetadata, write_face_plate


@pytest.fixture(scope="module")
def hopper() -> np.ndarray:
    """Grace Hopper portrait, ``(H, W, 3) float32`` in [0, 1]."""
    return imread(cbook.get_sample_data("grace_hopper.jpg")).astype(np.float32) / 255.0


def write_plate(hopper: np.ndarray, path: Path, frame: int) -> Path:
    """Her face region (data window (180, 60)-(339, 259)) as an opaque plate."""
    height, width = hopper.shape[:2]
    crop = hopper[60:260, 180:340]
    rgba = np.concatenate([crop, np.ones((*crop.shape[:2], 1), np.float32)], axis=2)
    plate = FacePlate(frame, (width, height), (180, 60, 340, 260), rgba, np.ones(crop.shape[:2], np.float32))
    meta = PlateMetadata(fps=Fraction(25), timecode=f"10:00:00:{frame % 25:02d}", cap_date="2024:05:01 12:00:00",
                         params={"emotion": "surprised"})
    return write_face_plate(path, plate, meta)


def test_inspect_one_file_text(tmp_path: Path, hopper: np.ndarray):
    path = write_plate(hopper, tmp_path / "sh.0007.exr", 7)
    result = CliRunner().invoke(cli, ["plates", "inspect", str(path)])
    assert result.exit_code == 0, result.output
    height, width = hopper.shape[:2]
    assert f"display window  (0, 0)-({width - 1}, {height - 1})  {width}x{height}" in result.output
    assert "data window     (180, 60)-(339, 259)  160x200" in result.output
    assert "compression     dwaa:45" in result.output
    assert "channels        R, G, B, A, facemask.A  (all half)" in result.output
    assert re.search(r"^    framesPerSecond +25/1$", result.output, re.M)
    assert re.search(r"^    timeCode +10:00:00:07$", result.output, re.M)
    assert re.search(r"^    ned/emotion +surprised$", result.output, re.M)


def test_inspect_one_file_json(tmp_path: Path, hopper: np.ndarray):
    path = write_plate(hopper, tmp_path / "sh.0007.exr", 7)
    result = CliRunner().invoke(cli, ["plates", "inspect", str(path), "--json"])
    assert result.exit_code == 0, result.output
    info = json.loads(result.output)
    assert info["data_window"] == {"x": 180, "y": 60, "width": 160, "height": 200}
    assert info["metadata"]["ned/frame"] == 7


def test_inspect_sequence_summarises_frames_and_gaps(tmp_path: Path, hopper: np.ndarray):
    for frame in (1, 2, 5):
        write_plate(hopper, tmp_path / f"sh.{frame:04d}.exr", frame)
    result = CliRunner().invoke(cli, ["plates", "inspect", str(tmp_path / "sh.####.exr")])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].endswith("sh.####.exr: 3 files")
    assert [line.split()[0] for line in lines[1:4]] == ["1", "2", "5"]
    assert "data (180, 60)-(339, 259)  160x200  5 ch  dwaa:45  tc 10:00:00:02  sh.0002.exr" in lines[2]
    assert lines[4].endswith(": 3-4")
    data = json.loads(CliRunner().invoke(cli, ["plates", "inspect", str(tmp_path), "--json"]).output)
    assert [f["frame"] for f in data["files"]] == [1, 2, 5] and list(data["missing_frames"].values()) == ["3-4"]


def test_unreadable_frame_in_a_folder_exits_2_after_listing_all(tmp_path: Path, hopper: np.ndarray):
    write_plate(hopper, tmp_path / "sh.0001.exr", 1)
    (tmp_path / "sh.0002.exr").write_bytes(b"not an exr")
    result = CliRunner().invoke(cli, ["plates", "inspect", str(tmp_path)])
    assert result.exit_code == 2
    assert "ERROR" in result.output and "sh.0001.exr" in result.output
    assert "1 of 2 files unreadable" in result.output


def test_verify_finds_a_truncated_frame(tmp_path: Path, hopper: np.ndarray):
    whole = write_plate(hopper, tmp_path / "sh.0001.exr", 1).read_bytes()
    (tmp_path / "sh.0002.exr").write_bytes(whole[: len(whole) * 2 // 3])
    assert CliRunner().invoke(cli, ["plates", "inspect", str(tmp_path)]).exit_code == 0  # headers look fine
    result = CliRunner().invoke(cli, ["plates", "inspect", str(tmp_path), "--verify"])
    assert result.exit_code == 2
    assert "sh.0002.exr: pixel data is damaged" in result.output


def test_ned_plates_inspect_as_a_user_runs_it(tmp_path: Path, hopper: np.ndarray):
    path = write_plate(hopper, tmp_path / "sh.0003.exr", 3)
    ned = [sys.executable, "-m", "ned_core.cli.main", "plates", "inspect"]
    ok = subprocess.run([*ned, str(path), "--json"], capture_output=True, text=True, timeout=120, env=os.environ)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["compression"] == "dwaa:45"
    bad = tmp_path / "broken.exr"
    bad.write_bytes(path.read_bytes()[:200])
    fail = subprocess.run([*ned, str(bad)], capture_output=True, text=True, timeout=120, env=os.environ)
    assert fail.returncode == 2 and fail.stdout == ""
    assert fail.stderr.count("\n") == 1 and fail.stderr.startswith(f"ned: error: {bad}: cannot read as EXR")
