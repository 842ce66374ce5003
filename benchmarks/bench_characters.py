"""Characters across cuts (issue 11): grouping with the tracks' descriptors computed vs. read from the cache beside
the analysis cache, and the size of the 64 px face thumbnails the node sends (protocol 1.4).

On the footage builder's ``dev_editorial`` clip (5 shots, hard cuts, a dissolve, a fade), written as a PNG sequence
and analysed once into a temporary cache; then ``source_characters`` (what ``ned analyze``, the node's
``analyze_shot`` and ``--character`` renders call) is timed with the descriptor cache emptied and filled, median of
three runs each.

Usage: ``python benchmarks/bench_characters.py [--quick] [--json PATH]`` (quick: 320x240, full: 1280x720).
"""

from __future__ import annotations

import dataclasses
import statistics
import tempfile
import time
from pathlib import Path

import cv2

from benchkit.machine import limit_cores
from benchkit.records import metric
from ned_core.analysis import AnalysisConfig, FaceMeshModels
from ned_core.analysis.identity_cache import SUFFIX
from ned_core.io.plates import open_plates
from ned_core.pipeline.analyze import analyze_and_fit
from ned_core.pipeline.character_sheet import thumbnail_jpeg
from ned_core.pipeline.characters import source_characters
from ned_core.pipeline.config import NedConfig
from ned_core.synthetic import write_png_sequence
from ned_core.synthetic.footage import build_footage, dev_clips, photo_faces

REPEATS = 3
THUMBNAIL_PX = 64  # as ned_protocol.thumbnails.THUMBNAIL_PX (the node's size)


def run(quick: bool) -> dict:
    """Median seconds of grouping with and without the descriptor cache, and thumbnail bytes."""
    cores = limit_cores(2)
    cv2.setNumThreads(cores)
    analysis = AnalysisConfig(num_threads=cores)
    models = FaceMeshModels.load(config=analysis)
    size = (320, 240) if quick else (1280, 720)
    clip = dataclasses.replace(dev_clips()[0], size=size)
    footage = build_footage(clip, photo_faces(models, analysis))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_png_sequence(footage.frames, folder, "clip", 1001)
        config = NedConfig(analysis=analysis, cache_dir=folder / "cache")
        timings: dict[str, list[float]] = {"described": [], "from cache": []}
        with open_plates(str(folder / "clip.####.png"), colour=config.colour) as source:
            shot = analyze_and_fit(source, config, models=models)
            for _ in range(REPEATS):
                for entry in (folder / "cache").glob(f"*{SUFFIX}"):
                    entry.unlink()
                for name in timings:
                    start = time.perf_counter()
                    found, note, _ = source_characters(source, config, models, analysis=shot.analysis,
                                                       source_hash=shot.source_hash)
                    timings[name].append(time.perf_counter() - start)
    if found is None:
        return {"title": "characters (issue 11)", "stages": [], "metrics": [], "notes": [note], "config": {}}
    label = f"{clip.name} {size[0]}x{size[1]}, {len(shot.analysis.tracks)} tracks"
    jpegs = [len(thumbnail_jpeg(chip, THUMBNAIL_PX)[0]) for chip in found.thumbnails.values()]
    described, cached = (statistics.median(timings[name]) for name in timings)
    return {"title": "characters across cuts: descriptor cache and thumbnails (issue 11)", "stages": [],
            "metrics": [metric("grouping, tracks described", described * 1000, "ms", label),
                        metric("grouping, descriptors cached", cached * 1000, "ms", label),
                        metric("descriptor cache speed-up", described / max(cached, 1e-9), "x", label, "higher"),
                        metric("characters", len(found.characters.characters), "characters", label, "higher"),
                        metric("thumbnail JPEG, largest", max(jpegs), "bytes", f"{THUMBNAIL_PX} px")],
            "notes": [], "config": {"size": list(size), "cores": cores, "repeats": REPEATS}}


if __name__ == "__main__":
    from benchkit.standalone import main

    main("characters", run, __doc__.splitlines()[0])
