"""Stages 1-3 over a shot: plates -> (cached) face analysis -> per-track expression fit."""

from __future__ import annotations

from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import islice

from ned_core.analysis import AnalysisCache, FaceMeshModels, ShotAnalysis, analyze_shot, cache_key
from ned_core.face3d.embedded import EmbeddedFaceModel
from ned_core.face3d.interface import FaceModel
from ned_core.face3d.types import FitResult
from ned_core.io.plate_source import PlateSource
from ned_core.pipeline.config import NedConfig
from ned_core.pipeline.fingerprint import source_fingerprint
from ned_core.progress import ProgressCallback, StageTimer


@dataclass(frozen=True)
class ShotFit:
    """A shot's faces: the analysis and one expression fit per track id.

    Attributes:
        analysis: tracks, smoothed landmarks, alignment per frame.
        fits: ``{track_id: FitResult}`` for every track.
        cache_hit: the analysis came from the on-disk cache (the source was not decoded).
        source_hash: content fingerprint of the source (see ``fingerprint.source_fingerprint``).
    """

    analysis: ShotAnalysis
    fits: dict[int, FitResult]
    cache_hit: bool
    source_hash: str


def _srgb_frames(source: PlateSource, depth: int = 2):
    """``(number, (H, W, 3) uint8)`` for every frame, decoded ``depth`` frames ahead on a reader thread
    (decoding releases the GIL, so it overlaps with the analysis)."""
    numbers = iter(source.info.frames)
    with ThreadPoolExecutor(1, thread_name_prefix="ned-analysis-read") as reader:
        ahead = deque((n, reader.submit(source.read_display8, n)) for n in islice(numbers, depth))
        try:
            while ahead:
                number, decoding = ahead.popleft()
                image = decoding.result()
                upcoming = next(numbers, None)
                if upcoming is not None:
                    ahead.append((upcoming, reader.submit(source.read_display8, upcoming)))
                yield number, image
        finally:
            for _, decoding in ahead:
                decoding.cancel()


def analyze_source(source: PlateSource, config: NedConfig, models: FaceMeshModels,
                   progress: ProgressCallback | None = None) -> tuple[ShotAnalysis, bool, str]:
    """Face analysis of every frame of ``source``, through the analysis cache when one is configured.

    Returns:
        The analysis, whether it was a cache hit, and the source fingerprint.
    """
    source_hash = source_fingerprint(source)
    cache = AnalysisCache(config.cache_dir) if config.cache_dir is not None else None
    key = cache_key(source_hash, config.analysis, models)
    if cache is not None and cache.contains(key):
        return cache.load(key), True, source_hash
    timer = StageTimer("analysis", len(source), progress)
    analysis = analyze_shot(_srgb_frames(source), config.analysis, models, lambda done, frame: timer.step())
    if cache is not None:
        cache.save(key, analysis, source_hash, config.analysis)
    return analysis, False, source_hash


def fit_tracks(analysis: ShotAnalysis, model: FaceModel, config: NedConfig) -> dict[int, FitResult]:
    """Fit the face model to every track (short tracks against the mean face, see ``ShotFitConfig``)."""
    fits = {}
    for t in analysis.tracks:
        identity = None
        if len(t.track.frames) < config.shot_fit.min_rest_frames and isinstance(model, EmbeddedFaceModel):
            identity = model.mean_identity
        fits[t.track.track_id] = model.fit(t.landmarks, identity=identity)
    return fits


def analyze_and_fit(source: PlateSource, config: NedConfig, models: FaceMeshModels | None = None,
                    model: FaceModel | None = None, progress: ProgressCallback | None = None) -> ShotFit:
    """Stages 1-3: analysis (cached) and the expression fit of every track."""
    models = models or FaceMeshModels.load(config=config.analysis)
    model = model or EmbeddedFaceModel.from_mean_face(config.fit)
    analysis, hit, source_hash = analyze_source(source, config, models, progress)
    timer = StageTimer("fit", len(analysis.tracks), progress)
    fits = {}
    for tid, fit in fit_tracks(analysis, model, config).items():
        fits[tid] = fit
        timer.step()
    return ShotFit(analysis, fits, hit, source_hash)
