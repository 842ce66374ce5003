"""`ned dataset synth / info / build` as a user runs them (click's runner, real files)."""

import json
from pathlib import Path

import numpy as np
import skimage.data
from click.testing import CliRunner

from ned_core.cli.main import cli


def _run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_synth_then_info(tmp_path):
    out = tmp_path / "synth.npz"
    made = _run("dataset", "synth", str(out), "--actors", "2", "--frames", "30", "--seed", "4")
    assert made.exit_code == 0, made.output
    assert "28 clips, 840 frames (840 with a face), space embedded (27 channels), 2 actors" in made.output
    info = _run("dataset", "info", str(out), "--json")
    doc = json.loads(info.output)
    assert doc["labelled_frames"]["surprised"] == 2 * 2 * 30 and doc["actors"] == ["synth_a000", "synth_a001"]
    assert doc["info"]["seed"] == 4


def _movie(path: Path, frames: int = 8) -> None:
    import av

    path.parent.mkdir(parents=True, exist_ok=True)
    image = np.ascontiguousarray(skimage.data.astronaut()[::2, ::2])
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=25)
        stream.width, stream.height, stream.pix_fmt = 256, 256, "yuv420p"
        for _ in range(frames):
            for packet in stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)


def test_build_a_mead_layout(tmp_path, monkeypatch):
    monkeypatch.setenv("NED_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "MEAD"
    _movie(root / "M003" / "video" / "front" / "happy" / "level_3" / "001.mp4")
    _movie(root / "M003" / "video" / "front" / "happy" / "level_1" / "001.mp4")  # other level: not read
    _movie(root / "M003" / "video" / "front" / "neutral" / "level_1" / "001.mp4")
    out = tmp_path / "mead.npz"
    result = _run("dataset", "build", str(root), str(out), "--layout", "mead", "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["clips"] == 2 and doc["frames_with_face"] == 16 and doc["actors"] == ["M003"]
    assert doc["labelled_frames"]["happy"] == 8 and doc["labelled_frames"]["neutral"] == 8
    assert doc["info"]["layout"] == "mead" and doc["info"]["levels"] == [3]


def test_build_errors_are_one_line(tmp_path):
    (tmp_path / "empty").mkdir()
    result = CliRunner().invoke(cli, ["dataset", "build", str(tmp_path / "empty"), str(tmp_path / "x.npz")])
    assert result.exit_code == 2 and "ned: error:" in result.output and "no labelled videos" in result.output
    assert not (tmp_path / "x.npz").exists()
