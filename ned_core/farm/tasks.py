"""What the farm's tasks run: the shot's analysis once, one chunk of plates, the finishing preview.

A chunk analyses and directs over the whole shot (``request.frames``) and writes only its own frames: the
analysis comes from the cache the analysis task filled, and the frames before the chunk are stepped over
(``render_shot``'s ``skip_frames``), so its plates are byte-identical to one render of the whole shot. Plates
are written atomically, so a re-run chunk replaces only its own frames and a killed one leaves no partial file.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from ned_core.analysis import FaceMeshModels
from ned_core.exceptions import FarmAnalysisFailedError, FarmJobError
from ned_core.farm.job import STATE_FOLDER, chunk_frames
from ned_core.io.atomic import atomic_path
from ned_core.io.plate_source import parse_frame_range
from ned_core.io.plates import open_plates
from ned_core.models import ModelStore
from ned_core.pipeline.analyze import analyze_source
from ned_core.pipeline.config import NedConfig
from ned_core.pipeline.render_job import render_shot
from ned_core.pipeline.request import RenderRequest, RenderSummary
from ned_core.progress import ProgressCallback

def failure_record(out_dir: str | Path, source: str) -> Path:
    """Where the analysis task of ``source`` records why it failed (removed when it runs again)."""
    return Path(out_dir) / STATE_FOLDER / f"{Path(source).name}.analysis-failed.txt"


def _needs_cache(config: NedConfig) -> None:
    if config.cache_dir is None:
        raise FarmJobError("farm tasks share the shot's analysis through the cache: drop --no-cache and give a "
                           "--cache-dir on shared storage")


def run_analysis_task(source: str, frames: str | None, start_frame: int | None, out_dir: str | Path,
                      config: NedConfig, progress: ProgressCallback | None = None) -> bool:
    """The shot's face analysis into the shared cache (a no-op when it is there already).

    A failure is recorded next to the plates (:func:`failure_record`) before it is raised, so that render
    tasks started anyway fail with its reason instead of analysing the shot once each.

    Returns:
        Whether the analysis was in the cache already.
    """
    _needs_cache(config)
    record = failure_record(out_dir, source)
    with contextlib.suppress(FileNotFoundError):
        record.unlink()
    try:
        models = FaceMeshModels.load(ModelStore(config.store), config.analysis)
        with open_plates(source, frames=frames, colour=config.colour, start_frame=start_frame) as plates:
            return analyze_source(plates, config, models, progress)[1]
    except Exception as e:
        record.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(record) as tmp:
            tmp.write_text(f"{type(e).__name__}: {e}\n", encoding="utf-8")
        raise


def _check_analysis(request: RenderRequest) -> None:
    record = failure_record(request.out_dir, request.source)
    if record.is_file():
        reason = record.read_text(encoding="utf-8").strip()
        raise FarmAnalysisFailedError(f"the analysis task of {request.source} failed, so no chunk can render: "
                                      f"{reason} (fix it, then re-run the analysis task; recorded in {record})")


def run_render_task(request: RenderRequest, chunk: str, config: NedConfig,
                    progress: Callable[[int], ProgressCallback] | None = None) -> RenderSummary:
    """One chunk: the plates of ``chunk``'s frames, analysed and directed over ``request.frames`` (the shot).

    Args:
        progress: ``progress(skipped)`` -> the callback of this chunk, given how many of the shot's frames it
            skips (render progress counts over the whole shot, the skipped frames as done before).

    Raises:
        FarmAnalysisFailedError: the shot's analysis task failed (its reason in the message).
        FrameRangeError: ``chunk`` reaches outside the shot.
    """
    _needs_cache(config)
    _check_analysis(request)
    shot = parse_frame_range(request.frames)
    mine = chunk_frames(shot, chunk)
    skip = frozenset(shot) - mine
    return render_shot(replace(request, preview=False), config, skip_frames=skip,
                       progress=progress(len(skip)) if progress is not None else None)


def run_preview_task(request: RenderRequest, config: NedConfig,
                     progress: ProgressCallback | None = None) -> RenderSummary:
    """The finishing task: the shot's preview movie (every frame rendered again for it; no plate is written)."""
    _needs_cache(config)
    _check_analysis(request)
    shot = parse_frame_range(request.frames)
    return render_shot(replace(request, preview=True), config, progress=progress, skip_frames=frozenset(shot))
