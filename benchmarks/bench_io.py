"""EXR I/O: face-plate write/read per compression, EXR sequence decode frames/s, bounded memory when streaming.

* plate write / plate read: ``ned_core.io.exr.write_face_plate`` (atomic, header checked) and
  ``read_face_plate`` of a real face plate (the photo's face at 1080p/4K scale, premultiplied RGBA +
  soft ``facemask.A`` from the mesh, data window = face box + margin); plates/s and file size.
* EXR sequence decode: ``open_plates`` iteration of a half RGB scene-linear sequence per compression.
  The frames are hard links to one written frame (identical bytes, so identical decode work).
* streaming memory: the same sequence streamed short and long under tracemalloc and an RSS sampler;
  bounded when the long stream's peak is no more than half a frame above the short one's plus the decoded frames an
  image sequence keeps for the render's window reads (``image_source.KEEP_DECODED_BYTES``, a fixed budget).

Usage: ``python benchmarks/bench_io.py [--quick] [--json PATH]``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchkit.clips import FIRST_FRAME, PHOTO, Layout, background, compose, write_exr_frame
from benchkit.memory import PeakMemory
from benchkit.records import metric, stage
from ned_core.analysis import AnalysisConfig, FaceMeshModels, analyze_image
from ned_core.analysis.mask import face_mask
from ned_core.composite import CompositeConfig
from ned_core.io.colour import ColourTransforms
from ned_core.io.exr import (
    FacePlate,
    PlateMetadata,
    PlateWriteConfig,
    face_data_window,
    read_face_plate,
    write_face_plate,
)
from ned_core.io.exr_compression import COMPRESSIONS, DWA, DWA_DEFAULT_LEVEL, compression_label
from ned_core.io.image_source import KEEP_DECODED_BYTES
from ned_core.io.plates import open_plates
from ned_core.synthetic import sample_photo

FULL_HD, UHD = Layout(1920, 1080, 1), Layout(3840, 2160, 1)
KEPT_MB = KEEP_DECODED_BYTES / 2**20  # decoded frames an image sequence keeps for window reads, at most
ALL_COMPRESSIONS = tuple(compression_label(c, DWA_DEFAULT_LEVEL if c in DWA else None) for c in COMPRESSIONS)


@dataclass(frozen=True)
class IoBenchConfig:
    """Sizes of one run.

    Attributes:
        layouts: frame sizes of the plates and sequences.
        plate_compressions: compressions of the face-plate write/read measurement; plate_repeats: plates each.
        sequence_compressions: compressions of the sequence decode measurement; sequence_frames: frames each.
        stream_frames: (short, long) stream lengths of the memory check (1080p, ``stream_compression``).
    """

    layouts: tuple[Layout, ...]
    plate_compressions: tuple[str, ...]
    plate_repeats: int
    sequence_compressions: tuple[str, ...]
    sequence_frames: int
    stream_frames: tuple[int, int]
    stream_compression: str = "zip"


QUICK = IoBenchConfig(layouts=(FULL_HD,), plate_compressions=ALL_COMPRESSIONS, plate_repeats=3,
                      sequence_compressions=("zip", "dwaa:45"), sequence_frames=12, stream_frames=(12, 96))
FULL = IoBenchConfig(layouts=(FULL_HD, UHD), plate_compressions=ALL_COMPRESSIONS, plate_repeats=10,
                     sequence_compressions=("none", "zip", "piz", "dwaa:45", "dwab:45"), sequence_frames=48,
                     stream_frames=(24, 480))


def still_frame(layout: Layout) -> np.ndarray:
    """The face photo placed in a ``layout`` frame: ``(H, W, 3) uint8`` sRGB."""
    return compose(sample_photo(PHOTO)[None], layout, 0, background(layout))


def face_plate(image: np.ndarray, colour: ColourTransforms, models: FaceMeshModels,
               analysis: AnalysisConfig) -> FacePlate:
    """A face plate cut from ``image``: its face's box (+ the default margin), premultiplied by the face mask."""
    height, width = image.shape[:2]
    face = analyze_image(image, analysis, models)[0]
    x0, y0, x1, y1 = face_data_window(face.box, (width, height), CompositeConfig().margin)
    mask = face_mask(face.landmarks, (height, width), analysis.mask_feather).full((height, width))[y0:y1, x0:x1]
    linear = colour.to_working(image[y0:y1, x0:x1].astype(np.float32) / 255.0, colour.srgb_space)
    rgba = np.concatenate([linear * mask[..., None], mask[..., None]], axis=2).astype(np.float32)
    return FacePlate(FIRST_FRAME, (width, height), (x0, y0, x1, y1), rgba, np.ascontiguousarray(mask))


def plate_figures(plate: FacePlate, label: str, config: IoBenchConfig, workdir: Path) -> tuple[list, list]:
    """plate write / plate read frames/s and file size per compression."""
    stages, metrics = [], []
    meta = PlateMetadata(fps=25, params={"emotion": "happy", "intensity": 0.8})
    x0, y0, x1, y1 = plate.data_window
    for compression in config.plate_compressions:
        variant = f"{label} face {x1 - x0}x{y1 - y0}, {compression}"
        write = PlateWriteConfig(compression=compression)
        paths = [workdir / f"plate_{compression.replace(':', '')}.{FIRST_FRAME + i}.exr"
                 for i in range(config.plate_repeats)]
        start = time.perf_counter()
        for path in paths:
            write_face_plate(path, plate, meta, write)
        stages.append(stage("plate write", len(paths), time.perf_counter() - start, variant))
        start = time.perf_counter()
        for path in paths:
            read_face_plate(path)
        stages.append(stage("plate read", len(paths), time.perf_counter() - start, variant))
        metrics.append(metric("plate size", paths[0].stat().st_size / 1024, "KB", variant))
    return stages, metrics


def linked_sequence(image: np.ndarray, colour: ColourTransforms, compression: str, count: int,
                    directory: Path) -> str:
    """``count`` frames ``seq.####.exr``: one written frame and hard links to it (copies where links fail)."""
    directory.mkdir(parents=True, exist_ok=True)
    first = directory / f"seq.{FIRST_FRAME:04d}.exr"
    linear = colour.to_working(image.astype(np.float32) / 255.0, colour.srgb_space)
    write_exr_frame(first, linear, compression)
    for number in range(FIRST_FRAME + 1, FIRST_FRAME + count):
        try:
            os.link(first, directory / f"seq.{number:04d}.exr")
        except OSError:
            shutil.copyfile(first, directory / f"seq.{number:04d}.exr")
    return str(directory / "seq.####.exr")


def decode_stage(pattern: str, variant: str) -> dict:
    """frames/s of iterating ``open_plates(pattern)`` (decode + colour into the working space)."""
    start = time.perf_counter()
    with open_plates(pattern) as source:
        count = sum(1 for _ in source)
    return stage("EXR sequence decode", count, time.perf_counter() - start, variant)


def stream_metrics(pattern: str, frames: tuple[int, int], variant: str, frame_mb: float) -> list[dict]:
    """Peak memory of streaming the first ``frames[0]`` and then ``frames[1]`` frames; bounded or not."""
    peaks = []
    for count in frames:
        with PeakMemory() as peak, open_plates(pattern, f"{FIRST_FRAME}-{FIRST_FRAME + count - 1}") as source:
            for _ in source:
                pass
        peaks.append(peak)
    short, long = peaks
    bounded = long.traced_mb <= short.traced_mb + KEPT_MB + 0.5 * frame_mb
    out = []
    for count, peak in zip(frames, peaks):
        out.append(metric("streaming peak (tracemalloc)", peak.traced_mb, "MB", f"{variant}, {count} frames"))
        out.append(metric("streaming RSS growth", peak.rss_growth_mb, "MB", f"{variant}, {count} frames"))
    out.append(metric("decoded frame", frame_mb, "MB", variant))
    out.append(metric("kept decoded frames budget", KEPT_MB, "MB", variant))
    out.append(metric("streaming memory bounded", float(bounded), "yes=1", f"{variant}, {frames[0]} vs {frames[1]} "
                      "frames", "higher", 1.0))
    return out


def measure(config: IoBenchConfig, workdir: Path) -> dict:
    """Every measurement of this benchmark for ``config``, files written under ``workdir``."""
    analysis = AnalysisConfig()
    models = FaceMeshModels.load(config=analysis)
    colour = ColourTransforms()
    stages, metrics = [], []
    for layout in config.layouts:
        label = layout.resolution
        image = still_frame(layout)
        plate_stages, plate_metrics = plate_figures(face_plate(image, colour, models, analysis), label, config, workdir)
        stages += plate_stages
        metrics += plate_metrics
        for compression in config.sequence_compressions:
            folder = workdir / f"seq_{label}_{compression.replace(':', '')}"
            pattern = linked_sequence(image, colour, compression, config.sequence_frames, folder)
            stages.append(decode_stage(pattern, f"{label}, half RGB {compression}"))
            metrics.append(metric("EXR frame size", Path(pattern.replace("####", str(FIRST_FRAME))).stat().st_size
                                  / 2**20, "MB", f"{label}, half RGB {compression}"))
    image = still_frame(FULL_HD)
    pattern = linked_sequence(image, colour, config.stream_compression, config.stream_frames[1], workdir / "stream")
    metrics += stream_metrics(pattern, config.stream_frames, f"1080p {config.stream_compression}",
                              image.size * 4 / 2**20)
    return {"title": "EXR face plates and sequences", "stages": stages, "metrics": metrics,
            "config": {"layouts": [layout.label for layout in config.layouts], "plate_repeats": config.plate_repeats,
                       "sequence_frames": config.sequence_frames, "stream_frames": list(config.stream_frames)}}


def run(quick: bool) -> dict:
    """The benchmark at quick (1080p) or full (1080p and 4K, more compressions, a 480-frame stream) size."""
    with tempfile.TemporaryDirectory(prefix="ned-bench-io-") as workdir:
        return measure(QUICK if quick else FULL, Path(workdir))


if __name__ == "__main__":
    from benchkit.standalone import main

    main("io", run, __doc__.splitlines()[0])
