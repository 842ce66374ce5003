"""`ned analyze` as a user runs it: real files, a real subprocess, the cache reused on a second run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import OpenImageIO as oiio
import pytest

from ned_core.face3d.channels import NUM_CHANNELS

NED = [sys.executable, "-m", "ned_core.cli.main"]


def run_ned(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "NED_CACHE_DIR": str(cwd / "cache")}
    return subprocess.run([*NED, *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=300)


@pytest.fixture()
def astronaut_png(tmp_path: Path) -> Path:
    import skimage.data

    path = tmp_path / "astronaut.png"
    assert oiio.ImageBuf(np.ascontiguousarray(skimage.data.astronaut())).write(str(path))
    return path


def test_analyze_writes_tracks_and_reuses_cache(tmp_path, astronaut_png):
    out = tmp_path / "out"
    first = run_ned("analyze", str(astronaut_png), "--out", str(out), "--quiet", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "track 0: frames 1-1, 1 with a face" in first.stdout and "shot 0: frames 1-1 (start)" in first.stdout
    doc = json.loads((out / "analysis.json").read_text())
    assert doc["schema"] == "NedAnalysis.2" and doc["default_track"] == 0
    assert doc["shots"] == [{"shot": 0, "first_frame": 1, "last_frame": 1, "starts_with": "start", "faces": True}]
    assert doc["tracks"][0]["interpolated_frames"] == 0 and doc["tracks"][0]["mean_confidence"] > 0.9
    assert doc["channels"][0] == "jaw_open" and len(doc["channels"]) == NUM_CHANNELS
    track = np.load(out / doc["tracks"][0]["file"])
    assert track["landmarks"].shape == (1, 478, 3) and track["expression"].shape == (1, NUM_CHANNELS)
    assert track["confidence"].shape == (1,) and not track["interpolated"].any()
    assert float(track["residual"][0]) < 5.0  # % of inter-ocular distance
    x0, y0, x1, y1 = track["boxes"][0]
    assert 150 < (x0 + x1) / 2 < 260 and 60 < (y0 + y1) / 2 < 180  # the astronaut's face, not elsewhere

    second = run_ned("analyze", str(astronaut_png), "--json", cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert json.loads(second.stdout)["cache_hit"] is True


def test_analyze_sequence_without_faces(tmp_path):
    for n in (1001, 1002, 1003):
        buf = oiio.ImageBuf(oiio.ImageSpec(64, 48, 3, "half"))
        assert buf.write(str(tmp_path / f"black.{n}.exr"))
    proc = run_ned("analyze", str(tmp_path / "black.####.exr"), "--frames", "1001-1003", "--quiet", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "3 frames" in proc.stdout and "no face found" in proc.stdout


def test_analyze_missing_frames_is_a_clear_error(tmp_path):
    buf = oiio.ImageBuf(oiio.ImageSpec(32, 32, 3, "uint8"))
    buf.write(str(tmp_path / "p.0001.png"))
    buf.write(str(tmp_path / "p.0003.png"))
    proc = run_ned("analyze", str(tmp_path / "p.####.png"), "--frames", "1-3", cwd=tmp_path)
    assert proc.returncode == 2
    assert "ned: error:" in proc.stderr and "2" in proc.stderr and "Traceback" not in proc.stderr


def test_analyze_says_which_frames_were_bridged_and_why(tmp_path, mesh_models, analysis_config):
    """Another head crossing in front: the face is held and its frames bridged; `ned analyze` prints how many and
    how many of them behind another face (painted by default), and the exported track marks them ``held``."""
    from ned_core.synthetic import write_png_sequence
    from ned_core.synthetic.footage import ClipSpec, ShotSpec, build_footage, photo_faces

    spec = ShotSpec("astronaut", 36, "edge", "neutral", seed=3, hand=True, occluder="head")
    clip = build_footage(ClipSpec("head", (spec,)), photo_faces(mesh_models, analysis_config))
    write_png_sequence(clip.frames, tmp_path, "head", 1001)
    out = tmp_path / "out"
    done = run_ned("analyze", str(tmp_path / "head.####.png"), "--out", str(out), "--quiet", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    doc = json.loads((out / "analysis.json").read_text())
    row = next(t for t in doc["tracks"] if t["id"] == doc["default_track"])
    assert row["interpolated_frames"] >= 3 and row["held_frames"] == row["interpolated_frames"]
    assert (f"{row['interpolated_frames']} bridged, {row['held_frames']} of them behind another face"
            in done.stdout), done.stdout
    track = np.load(out / row["file"])
    assert track["held"].sum() == row["held_frames"] and not (track["held"] & ~track["interpolated"]).any()
