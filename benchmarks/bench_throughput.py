"""`ned render` end to end against decode-only of the same file, side by side: frames/s, real time, ratio.

For each clip (the speaking actor from a real photo, placed in a 1080p or 4K frame; H.264, ProRes 422 HQ and a
scene-linear half-float EXR sequence, zip, as compositors hand over) and each of several runs, in turn: the whole clip
is decoded (a movie by PyAV to RGB, frame threading on, as the pipeline does; an EXR sequence by OpenImageIO, every
file whole, as the analysis reads it), then ``render_shot`` renders it end to end with a cold analysis cache (decode, analysis, fit, direct, render,
DWAA:45 plates). The machine is shared, so each figure is the median of the runs, with the slowest and fastest
run beside it, and the load average is recorded. Per stage: the analysis (decode for the models, detection,
landmarks, fit) and the render loop (decode + colour of the face window, warp, composite, EXR write, pipelined
on threads), as the render reports them; and the process CPU time per frame, all threads counted, which other
jobs on a shared machine disturb far less than wall time (on N idle cores the end-to-end ceiling is about
N x 1000 / CPU ms per frame), in all and per stage as the render counts it (``RenderSummary.timings``'s
``cpu:`` entries: the process during the analysis, the set-up and the render loop; inside the loop each stage's
own threads: the window reads, the render thread, which bounds the loop, and the composite + EXR writers). Memory: the peak RSS of one cold ``ned render`` of the clip in a process of its own
(the CLI, model loading included), goal <= 1.5 GB at 4K; this process's own high-water mark covers the clips it
built in memory and every render before, so it says nothing about one render.

Usage: ``python benchmarks/bench_throughput.py [--quick] [--json PATH] [--only 4K:h264[,1080p:exr...]] [--runs N]``
(``--only``: just those clips of the chosen set, as ``resolution:codec``).
"""

from __future__ import annotations

import os
import resource
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import OpenImageIO as oiio

from benchkit.clips import Layout, actor_frames, clip_frames, write_exr_sequence, write_movie
from benchkit.machine import limit_cores
from benchkit.memory import child_peak_rss_mb
from benchkit.records import metric, stage
from ned_core.analysis import AnalysisConfig, FaceMeshModels
from ned_core.face3d import EmbeddedFaceModel
from ned_core.io.colour import ColourTransforms
from ned_core.io.sequence import find_frames, parse_pattern
from ned_core.pipeline.config import NedConfig
from ned_core.pipeline.render_job import render_shot
from ned_core.pipeline.request import RenderRequest

GOAL_FPS = {"1080p": 24.0, "4K": 8.0}  # issue 13: end to end, one face, 2 cores
GOAL_PEAK_RSS_MB = {"4K": 1500.0}  # issue 13: one `ned render` at 4K
CLIP_FPS = 25.0
EMOTION = "happy:0.8"


@dataclass(frozen=True)
class ThroughputConfig:
    """Clip length, runs per clip, layouts and codecs."""

    frames: int
    runs: int
    layouts: tuple[Layout, ...]
    codecs: tuple[str, ...]
    cores: int = 2


QUICK = ThroughputConfig(frames=24, runs=3, layouts=(Layout(1920, 1080, 1),), codecs=("h264", "exr"))
FULL = ThroughputConfig(frames=48, runs=5, layouts=(Layout(1920, 1080, 1), Layout(3840, 2160, 1)),
                        codecs=("h264", "prores", "exr"))


def write_prores(actor: np.ndarray, layout: Layout, count: int, path: Path) -> Path:
    """ProRes 422 HQ (10-bit 4:2:2) .mov of the same frames :func:`write_movie` encodes as H.264."""
    with av.open(str(path), "w") as out:
        stream = out.add_stream("prores_ks", rate=Fraction(CLIP_FPS).limit_denominator(1001))
        stream.width, stream.height, stream.pix_fmt = layout.width, layout.height, "yuv422p10le"
        stream.options = {"profile": "3"}
        for _, image in clip_frames(actor, layout, count):
            out.mux(stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")))
        out.mux(stream.encode(None))
    return path


def write_clip(actor: np.ndarray, layout: Layout, codec: str, count: int, workdir: Path) -> Path:
    """The clip as an H.264 .mp4, a ProRes .mov, or (``"exr"``) a scene-linear half EXR sequence (its pattern)."""
    name = workdir / f"{layout.resolution}_{codec}"
    if codec == "exr":
        name.mkdir()
        return Path(write_exr_sequence(clip_frames(actor, layout, count), name, ColourTransforms()))
    if codec == "h264":
        return write_movie(actor, layout, count, name.with_suffix(".mp4"), CLIP_FPS)
    return write_prores(actor, layout, count, name.with_suffix(".mov"))


def decode_only(movie: Path) -> float:
    """Seconds PyAV takes to decode every frame of ``movie`` to an RGB array (frame threading on); for an EXR
    sequence (a ``####`` pattern), the seconds OpenImageIO takes to decode every file's RGB whole."""
    start = time.perf_counter()
    if "#" in movie.name:
        for path in find_frames(parse_pattern(movie)).values():
            image = oiio.ImageInput.open(str(path))
            image.read_image(0, 0, 0, 3, "half")
            image.close()
        return time.perf_counter() - start
    with av.open(str(movie)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        for frame in container.decode(stream):
            frame.to_ndarray(format="rgb24")
    return time.perf_counter() - start


@dataclass(frozen=True)
class RenderRun:
    """One cold ``render_shot``: wall seconds in all and per stage, process CPU seconds (every thread), and the
    render's own CPU seconds per stage (:data:`CPU_STAGES` -> seconds)."""

    seconds: float
    analysis_s: float
    loop_s: float
    cpu_s: float
    stage_cpu_s: dict[str, float]


#: ``RenderSummary.timings`` CPU entries reported per frame -> what they count
CPU_STAGES = {"cpu:analysis+fit": "analysis + fit (process)",
              "cpu:set-up": "set-up: faces, directing, renderers (process)",
              "cpu:render+write": "render loop (process)",
              "cpu:load": "  loop: window reads (reader thread)",
              "cpu:render": "  loop: warp (render thread)",
              "cpu:write": "  loop: composite + EXR write (writer threads)"}


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def end_to_end(movie: Path, out: Path, config: NedConfig, models: FaceMeshModels) -> RenderRun:
    """``render_shot`` of the whole clip, analysis cache empty."""
    request = RenderRequest(source=str(movie), out_dir=str(out), emotion=EMOTION)
    cpu, start = _cpu_s(), time.perf_counter()
    summary = render_shot(request, config, models=models)
    seconds = time.perf_counter() - start
    return RenderRun(seconds, summary.timings["analysis+fit"], summary.timings["render+write"], _cpu_s() - cpu,
                     {key: summary.timings[key] for key in CPU_STAGES})


def render_peak_rss_mb(movie: Path, out: Path) -> float:
    """Peak RSS, MB, of ``ned render`` of ``movie`` (cold: no analysis cache) in a process of its own."""
    return child_peak_rss_mb([sys.executable, "-m", "ned_core.cli.main", "render", str(movie), "--emotion", EMOTION,
                              "--out", str(out), "--no-cache", "--quiet"])


def side_by_side(movie: Path, label: str, config: ThroughputConfig, ned: NedConfig, models: FaceMeshModels,
                 workdir: Path, goal: float | None, rss_goal: float | None = None) -> tuple[list[dict], list[dict]]:
    """Decode-only and end-to-end runs of one clip, alternating; medians, spreads, their ratio and the stages; then
    one more cold render in a process of its own for its peak RSS (``rss_goal``: MB)."""
    decode, runs = [], []
    for run in range(config.runs):
        decode.append(config.frames / decode_only(movie))
        cold = replace(ned, cache_dir=workdir / f"cache_{label}_{run}")
        runs.append(end_to_end(movie, workdir / f"out_{label}_{run}", cold, models))
    render = [config.frames / r.seconds for r in runs]
    fps_decode, fps_render = statistics.median(decode), statistics.median(render)
    cpu_ms = [1000 * r.cpu_s / config.frames for r in runs]
    n = config.frames
    stages = [stage("decode only (median)", n, n / fps_decode, label),
              stage("ned render end to end (median)", n, n / fps_render, label, goal),
              stage("  analysis + fit (median)", n, statistics.median(r.analysis_s for r in runs), label),
              stage("  render loop: window decode+colour, warp, composite, EXR (median)", n,
                    statistics.median(r.loop_s for r in runs), label)]
    metrics = [metric("end to end: real-time factor", fps_render / CLIP_FPS, "x real time", label, "higher"),
               metric("end to end / decode only", fps_render / fps_decode, "ratio", label, "higher"),
               metric("end to end: slowest run", min(render), "frames/s", label, "higher"),
               metric("end to end: fastest run", max(render), "frames/s", label, "higher"),
               metric("end to end: CPU per frame, all threads (median)", statistics.median(cpu_ms), "ms", label),
               metric("end to end: CPU per frame, least", min(cpu_ms), "ms", label),
               metric("end to end: CPU per frame, most", max(cpu_ms), "ms", label),
               *[metric(f"CPU per frame: {name} (median)",
                        statistics.median(1000 * r.stage_cpu_s[key] / n for r in runs), "ms", label)
                 for key, name in CPU_STAGES.items()],
               metric("decode only: slowest run", min(decode), "frames/s", label, "higher"),
               metric("decode only: fastest run", max(decode), "frames/s", label, "higher"),
               metric("ned render (own process): peak RSS", render_peak_rss_mb(movie, workdir / f"out_{label}_rss"),
                      "MB", label, "lower", rss_goal)]
    return stages, metrics


def measure(config: ThroughputConfig, workdir: Path) -> dict:
    cores = limit_cores(config.cores)
    analysis = AnalysisConfig()  # the models' default threads, as `ned render` runs them
    models = FaceMeshModels.load(config=analysis)
    actor = actor_frames(config.frames, models, EmbeddedFaceModel.from_mean_face(), analysis)
    load_before = os.getloadavg()[0]
    stages, metrics = [], []
    for layout in config.layouts:
        for codec in config.codecs:
            label = f"{layout.resolution} {codec}"
            movie = write_clip(actor, layout, codec, config.frames, workdir)
            ned = NedConfig(analysis=analysis)
            more_stages, more_metrics = side_by_side(movie, label, config, ned, models, workdir,
                                                     GOAL_FPS.get(layout.resolution),
                                                     GOAL_PEAK_RSS_MB.get(layout.resolution))
            stages += more_stages
            metrics += more_metrics
    metrics += [metric("load average (1 min) before", load_before, "", "", "lower"),
                metric("load average (1 min) after", os.getloadavg()[0], "", "", "lower")]
    return {"title": "ned render vs decode only", "config": {"frames": config.frames, "runs": config.runs,
                                                             "cores": cores, "emotion": EMOTION},
            "stages": stages, "metrics": metrics}


def only(config: ThroughputConfig, clips: str) -> ThroughputConfig:
    """``config`` cut to the clips named in ``clips`` (``"4K:h264,1080p:exr"``, ``resolution:codec``).

    Raises:
        ValueError: a named clip is not in ``config``, or the clips are not every codec named at every resolution
            named (a run measures such a grid).
    """
    wanted = [tuple(clip.split(":", 1)) for clip in clips.split(",")]
    known = {(layout.resolution, codec) for layout in config.layouts for codec in config.codecs}
    unknown = [":".join(clip) for clip in wanted if clip not in known]
    if unknown:
        raise ValueError(f"--only {', '.join(unknown)}: not among {sorted(':'.join(k) for k in known)}")
    layouts = tuple(layout for layout in config.layouts if any(layout.resolution == res for res, _ in wanted))
    codecs = tuple(codec for codec in config.codecs if any(codec == c for _, c in wanted))
    if len(layouts) * len(codecs) != len(wanted):
        raise ValueError(f"--only {clips}: name every codec at every resolution named (one grid of clips)")
    return replace(config, layouts=layouts, codecs=codecs)


def run(quick: bool) -> dict:
    return run_clips(quick)


def run_clips(quick: bool, clips: str | None = None, runs: int | None = None) -> dict:
    """:func:`run`, only the ``clips`` named (:func:`only`; None: all), ``runs`` runs each (None: the set's)."""
    config = QUICK if quick else FULL
    config = replace(config, runs=runs or config.runs)
    with tempfile.TemporaryDirectory(prefix="ned-bench-throughput-") as tmp:
        return measure(only(config, clips) if clips else config, Path(tmp))


if __name__ == "__main__":
    import argparse

    from benchkit.standalone import main

    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--only", default=None, help="clips as resolution:codec, comma-separated (4K:h264)")
    pre.add_argument("--runs", type=int, default=None, help="runs per clip (default: 3 quick, 5 full)")
    known, rest = pre.parse_known_args()
    main("throughput", lambda quick: run_clips(quick, known.only, known.runs), __doc__.splitlines()[0], rest)
