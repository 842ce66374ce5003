"""Render node vs in-process: wall time of the same render, time to first plate, inline 1080p half RGBA transfer.

Usage: ``python benchmarks/bench_node.py [--frames 12] [--size 512] [--repeats 3] [--inline-frames 8]``.

A `ned node serve` subprocess (one CPU worker, models resident, the same analysis cache as the in-process
runs) renders the same shot as ``render_shot`` called in this process; runs alternate, and both the fastest
runs (least disturbed by other load on the machine) and the medians are compared. The analysis cache is warm
for both, so the comparison is over the per-frame work, where node overhead (messages, job store, events)
weighs most. Inline transfer: a 1920x1080 float16 RGBA shot is
streamed to the node (upload), rendered full-frame into inline plates, and the finished job's plates are
fetched again by re-attaching (download: EXR read + send + receive). Prints the figures and writes
``benchmarks/results/bench_node.json``; ``run(quick)`` serves ``benchmarks/run_all.py`` (the quick run is
a 455x256 shot of 6 frames, 2 repeats, 2 inline frames).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import OpenImageIO as oiio
import skimage.data
import skimage.transform

from ned_core.analysis import FaceMeshModels
from ned_core.models import ModelStore
from ned_core.pipeline.config import NedConfig
from ned_core.pipeline.render_job import render_shot
from ned_core.pipeline.request import RenderRequest
from ned_protocol import NodeClient

RESULTS = Path(__file__).parent / "results" / "bench_node.json"


def make_shot(folder: Path, frames: int, width: int, height: int) -> str:
    """The skimage astronaut, moving a little, as an 8-bit PNG sequence; returns its pattern."""
    folder.mkdir(parents=True, exist_ok=True)
    side = min(width, height)
    face = skimage.transform.resize(skimage.data.astronaut(), (side, side), anti_aliasing=True)
    canvas = np.zeros((height, width, 3))
    x0 = (width - side) // 2
    canvas[:, x0:x0 + side] = face
    for number in range(1, frames + 1):
        pixels = np.round(np.roll(canvas, number, axis=1) * 255).astype(np.uint8)
        path = folder / f"shot.{number:04d}.png"
        out = oiio.ImageOutput.create(str(path))
        out.open(str(path), oiio.ImageSpec(width, height, 3, "uint8"))
        out.write_image(pixels)
        out.close()
    return str(folder / "shot.####.png")


def start_node(state: Path, root: Path, cache: Path) -> tuple[subprocess.Popen, str]:
    state.mkdir(parents=True)
    process = subprocess.Popen(
        [sys.executable, "-m", "ned_core.cli.main", "node", "serve", "--state-dir", str(state), "--bind",
         "tcp://127.0.0.1:*", "--input-root", str(root), "--output-root", str(root), "--cache-dir", str(cache),
         "--log-file", str(state / "node.log"), "--log-level", "WARNING"],
        stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not (state / "node.json").exists():
        if time.monotonic() > deadline or process.poll() is not None:
            raise RuntimeError(f"the node did not start; see {state / 'node.log'}")
        time.sleep(0.2)
    address = json.loads((state / "node.json").read_text())["address"]
    with NodeClient(address, timeout_s=30) as client:  # wait for the worker: a 1-frame job
        client.hello()
    return process, address


def in_process(pattern: str, frames: int, out: Path, config: NedConfig, models) -> tuple[float, float]:
    """Wall time of ``render_shot`` and time to its first plate, seconds."""
    first = []
    started = time.perf_counter()
    request = RenderRequest(source=pattern, out_dir=str(out), frames=f"1-{frames}", emotion="happy:0.8",
                            pattern="face.####.exr")
    render_shot(request, config, models=models, on_frame=lambda result: first.append(time.perf_counter()))
    return time.perf_counter() - started, first[0] - started


def through_node(client: NodeClient, pattern: str, frames: int, out: Path) -> tuple[float, float]:
    """Wall time from submit to job_done, and to the first frame_result, seconds."""
    started = time.perf_counter()
    job = client.submit({"kind": "path", "path": pattern, "frames": {"first": 1, "last": frames}},
                        {"target": "happy", "intensity": 0.8},
                        {"kind": "path", "directory": str(out), "pattern": "face.####.exr"})
    first = None
    for event in client.events(job["job_id"], timeout_s=600):
        if event.msg_type == "frame_result" and first is None:
            first = time.perf_counter()
        if event.msg_type == "job_failed":
            raise RuntimeError(event.content["error"])
    return time.perf_counter() - started, first - started


def inline_transfer(client: NodeClient, frames: int) -> dict:
    """Upload and download rates of 1080p half RGBA frames through the node (MB/s, 1 MB = 10^6 bytes)."""
    face = skimage.transform.resize(skimage.data.astronaut(), (1080, 1080), anti_aliasing=True)
    canvas = np.zeros((1080, 1920, 4), np.float32)
    canvas[:, 420:1500, :3] = face
    canvas[..., 3] = 1
    pixels = [(n, np.ascontiguousarray(np.roll(canvas, n, axis=1).astype(np.float16))) for n in range(1, frames + 1)]
    source = {"kind": "inline", "frames": {"first": 1, "last": frames}, "width": 1920, "height": 1080,
              "channels": 4, "dtype": "float16"}
    started = time.perf_counter()
    job = client.submit(source, {"target": "happy"}, {"kind": "inline"}, frames=pixels, compression="none",
                        full_frame=True, timeout_s=60)
    upload_s = time.perf_counter() - started
    events = list(client.events(job["job_id"], timeout_s=900))
    if events[-1].msg_type != "job_done":
        raise RuntimeError(events[-1].content)
    started = time.perf_counter()
    plate_bytes = 0
    for event in client.events(job["job_id"], since=0, timeout_s=120):
        plate_bytes += sum(buf.data.nbytes for buf in event.buffers)
    download_s = time.perf_counter() - started
    upload_bytes = frames * 1920 * 1080 * 4 * 2
    return {"frames": frames, "upload_bytes": upload_bytes, "upload_s": upload_s,
            "upload_MBps": upload_bytes / upload_s / 1e6, "upload_frames_per_s": frames / upload_s,
            "download_plate_bytes": plate_bytes, "download_s": download_s,
            "download_MBps": plate_bytes / download_s / 1e6, "download_frames_per_s": frames / download_s}


def measure(frames: int, size: int, repeats: int, inline_frames: int) -> dict:
    """The same render in-process and through a `ned node serve` subprocess, alternating; inline transfer."""
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name).resolve()
        pattern = make_shot(tmp / "in", frames, size * 16 // 9, size)
        cache = tmp / "cache"
        config = NedConfig(cache_dir=cache)
        models = FaceMeshModels.load(ModelStore(config.store), config.analysis)
        in_process(pattern, frames, tmp / "warm-local", config, models)  # fills the analysis cache
        node, address = start_node(tmp / "state", tmp, cache)
        try:
            with NodeClient(address, timeout_s=30) as client:
                through_node(client, pattern, frames, tmp / "warm-node")  # loads the worker's models
                local, remote = [], []
                for i in range(repeats):
                    local.append(in_process(pattern, frames, tmp / f"local{i}", config, models))
                    remote.append(through_node(client, pattern, frames, tmp / f"node{i}"))
                transfer = inline_transfer(client, inline_frames)
        finally:
            node.terminate()
            node.wait(60)
    local_wall = statistics.median(t for t, _ in local)
    node_wall = statistics.median(t for t, _ in remote)
    local_best, node_best = min(t for t, _ in local), min(t for t, _ in remote)
    return {
        "benchmark": "bench_node", "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "load_avg": os.getloadavg()},
        "shot": {"frames": frames, "width": size * 16 // 9, "height": size, "analysis_cache": "warm"},
        "in_process_s": [t for t, _ in local], "node_s": [t for t, _ in remote],
        "in_process_median_s": local_wall, "node_median_s": node_wall,
        "node_overhead_pct": 100 * (node_wall - local_wall) / local_wall,
        "in_process_best_s": local_best, "node_best_s": node_best,
        "node_overhead_best_pct": 100 * (node_best - local_best) / local_best,
        "first_plate_in_process_s": statistics.median(f for _, f in local),
        "first_plate_node_s": statistics.median(f for _, f in remote),
        "inline_1080p_half_rgba": transfer,
    }


def run(quick: bool) -> dict:
    """run_all entry point: :func:`measure` (smaller with ``quick``) as stage/metric records."""
    from benchkit.records import metric, stage

    frames, size, repeats, inline_frames = (6, 256, 2, 2) if quick else (12, 512, 7, 8)
    r = measure(frames, size, repeats, inline_frames)
    shot = f"{r['shot']['width']}x{size}, {frames} frames, warm cache, fastest of {repeats}"
    t = r["inline_1080p_half_rgba"]
    return {
        "title": "render node vs in-process: same render, time to first plate, inline 1080p transfer",
        "config": {"frames": frames, "size": size, "repeats": repeats, "inline_frames": inline_frames},
        "stages": [stage("end to end (in-process)", frames, r["in_process_best_s"], shot),
                   stage("end to end (node)", frames, r["node_best_s"], shot),
                   stage("inline upload", t["frames"], t["upload_s"], "1080p half RGBA"),
                   stage("inline plates back", t["frames"], t["download_s"], "1080p half RGBA")],
        "metrics": [metric("node overhead", r["node_overhead_best_pct"], "%", shot),
                    metric("node overhead (median runs)", r["node_overhead_pct"], "%", shot),
                    metric("first plate (in-process)", r["first_plate_in_process_s"], "s", shot),
                    metric("first plate (node)", r["first_plate_node_s"], "s", shot),
                    metric("inline upload", t["upload_MBps"], "MB/s", "1080p half RGBA", "higher"),
                    metric("inline plates back", t["download_MBps"], "MB/s", "1080p half RGBA", "higher")],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=12)
    parser.add_argument("--size", type=int, default=512, help="shot height (width is 16:9)")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--inline-frames", type=int, default=8)
    args = parser.parse_args()
    result = measure(args.frames, args.size, args.repeats, args.inline_frames)
    local_best, node_best = result["in_process_best_s"], result["node_best_s"]
    local_wall, node_wall = result["in_process_median_s"], result["node_median_s"]
    transfer = result["inline_1080p_half_rgba"]
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(f"same render ({args.frames} frames {result['shot']['width']}x{args.size}, warm analysis cache, "
          f"{args.repeats} runs each): fastest in-process {local_best:.2f} s, node {node_best:.2f} s, overhead "
          f"{result['node_overhead_best_pct']:+.1f} %; medians {local_wall:.2f} s / {node_wall:.2f} s "
          f"({result['node_overhead_pct']:+.1f} %)")
    print(f"time to first plate: in-process {result['first_plate_in_process_s']:.2f} s, "
          f"node {result['first_plate_node_s']:.2f} s")
    print(f"inline 1080p half RGBA: upload {transfer['upload_MBps']:.0f} MB/s ({transfer['upload_frames_per_s']:.1f} "
          f"frames/s), plates back {transfer['download_MBps']:.0f} MB/s ({transfer['download_frames_per_s']:.1f} "
          f"frames/s)")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
