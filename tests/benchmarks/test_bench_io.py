"""bench_io at a tiny size: real face plates per compression, sequence decode, bounded streaming memory."""

from __future__ import annotations

from pathlib import Path

import bench_io
from benchkit.clips import Layout


def test_tiny_run_measures_plates_sequences_and_streaming(tmp_path: Path):
    config = bench_io.IoBenchConfig(layouts=(Layout(640, 360, 1),), plate_compressions=("none", "zip", "dwaa:45"),
                                    plate_repeats=2, sequence_compressions=("zip",), sequence_frames=3,
                                    stream_frames=(3, 24))
    result = bench_io.measure(config, tmp_path)
    names = [(s["stage"], s["variant"].split(", ")[-1]) for s in result["stages"]]
    assert names == [("plate write", "none"), ("plate read", "none"), ("plate write", "zip"), ("plate read", "zip"),
                     ("plate write", "dwaa:45"), ("plate read", "dwaa:45"), ("EXR sequence decode", "half RGB zip")]
    assert all(s["fps"] > 0 for s in result["stages"]) and result["stages"][-1]["frames"] == 3
    sizes = {m["variant"].split(", ")[-1]: m["value"] for m in result["metrics"] if m["name"] == "plate size"}
    assert sizes["dwaa:45"] < sizes["zip"] < sizes["none"]
    metrics = {(m["name"], m["variant"]): m["value"] for m in result["metrics"]}
    frame_mb = metrics[("decoded frame", "1080p zip")]
    assert abs(frame_mb - 1920 * 1080 * 3 * 4 / 2**20) < 0.01
    short = metrics[("streaming peak (tracemalloc)", "1080p zip, 3 frames")]
    long = metrics[("streaming peak (tracemalloc)", "1080p zip, 24 frames")]
    # a few frames plus the kept frames' fixed budget (bench_io.KEPT_MB), not 24 float frames
    assert frame_mb <= short < 4 * frame_mb and long <= short + bench_io.KEPT_MB + 0.5 * frame_mb < 24 * frame_mb
    assert metrics[("streaming memory bounded", "1080p zip, 3 vs 24 frames")] == 1.0
