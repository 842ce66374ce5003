"""Stages 1-3 over a shot: plates -> (cached) face analysis -> per-track expression fit."""

from __future__ import annotations

import logging
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import numpy as np

from ned_core.analysis import AnalysisCache, FaceMeshModels, ShotAnalysis, analyze_shot, cache_key
from ned_core.analysis.shot import FrameLook, kept_image, look_at
from ned_core.face3d.embedded import EmbeddedFaceModel
from ned_core.face3d.interface import FaceModel
from ned_core.face3d.types import FitResult
from ned_core.exceptions import FrameReadError
from ned_core.io.image_source import open_existing
from ned_core.io.movie import MovieSource, open_movie
from ned_core.io.plate_source import PlateSource
from ned_core.pipeline.config import NedConfig
from ned_core.pipeline.fingerprint import source_fingerprint
from ned_core.progress import ProgressCallback, StageTimer

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ShotFit:
    """A shot's faces: the analysis and one expression fit per track id.

    Attributes:
        analysis: tracks, smoothed landmarks, alignment per frame.
        fits: ``{track_id: FitResult}`` for every track.
        cache_hit: the analysis came from the on-disk cache (the source was not decoded).
        source_hash: content fingerprint of the source analysed: the whole movie or sequence a sub-range
            comes from (see ``fingerprint.source_fingerprint``, ``analyze_source``).
    """

    analysis: ShotAnalysis
    fits: dict[int, FitResult]
    cache_hit: bool
    source_hash: str


#: Reader threads for an image sequence's analysis: its files decode independently, and one EXR's decode runs on one
#: core (~37 ms of a 1080p zip frame, the colour conversion after it ~24 ms on two), so the reader, not the analysis,
#: bounded the stage; a movie has one decoder and one reader.
SEQUENCE_READERS = 2


def _srgb_frames(source: PlateSource, required: frozenset[int] | None = None, depth: int = 2, shrink: int = 1):
    """``(number, (H / shrink, W / shrink, 3) uint8, FrameLook)`` for every frame (box-averaged by the whole factor
    ``shrink``, ``PlateSource.read_display8``), in order, decoded ``depth`` frames ahead per reader thread
    (decoding releases the GIL, so it overlaps with the analysis; :data:`SEQUENCE_READERS` for an image sequence, one
    for others), each with its ``shot.FrameLook`` made on the reader thread too (~2 ms a 1080p frame off the analysis
    thread, which bounds the stage). Each image is an array of its own (a view of the decoder's buffers is copied on the reader thread) or a
    read-only one the source keeps unchanged (a movie's decoded codes, kept for the render), so the analysis holds them
    without copying (``analyze_shot``'s ``fresh_frames``).

    Args:
        required: frames whose read errors are raised; others that cannot be read are skipped (logged).
            None: every frame is required.
    """
    numbers = iter(source.info.frames)

    def read(number: int) -> tuple[np.ndarray, FrameLook]:
        # a frame the analysis must copy to hold is copied here, on the reader thread (numpy copies without the
        # GIL), not on the analysis thread that bounds the stage (~1-2 ms a 1080p frame past the source's keep)
        image = kept_image(source.read_display8(number, shrink), fresh=True)
        return image, look_at(image)

    readers = SEQUENCE_READERS if source.info.kind == "sequence" else 1
    with ThreadPoolExecutor(readers, thread_name_prefix="ned-analysis-read") as reader:
        ahead = deque((n, reader.submit(read, n)) for n in islice(numbers, depth * readers))
        try:
            while ahead:
                number, decoding = ahead.popleft()
                upcoming = next(numbers, None)
                if upcoming is not None:
                    ahead.append((upcoming, reader.submit(read, upcoming)))
                try:
                    image, look = decoding.result()
                except FrameReadError as err:
                    if required is None or number in required:
                        raise
                    log.warning("frame %s outside the requested frames is unreadable, analysed without it: %s",
                                number, err)
                    continue
                yield number, image, look
        finally:
            for _, decoding in ahead:
                decoding.cancel()


def whole_source(source: PlateSource) -> PlateSource | None:
    """The source ``source`` was opened from, with every frame that exists; None when ``source`` is all of it.

    Track ids come from the analysis of the whole source, so that a sub-range (``--frames``) finds the ids
    ``ned analyze`` listed. Frames missing from a sequence are skipped (analyse what exists).
    """
    info = source.info
    if info.kind == "movie" and isinstance(source, MovieSource):
        whole = open_movie(Path(info.path), None, source.colour, source.start_frame)
    elif info.kind == "sequence":
        whole = open_existing(info.path, source.colour)
    else:
        return None
    if whole.info.frames == info.frames:
        whole.close()
        return None
    return whole


def _analyze(source: PlateSource, config: NedConfig, models: FaceMeshModels, progress: ProgressCallback | None,
             required: frozenset[int] | None) -> tuple[ShotAnalysis, bool, str]:
    source_hash = source_fingerprint(source)
    cache = AnalysisCache(config.cache_dir) if config.cache_dir is not None else None
    key = cache_key(source_hash, config.analysis, models)
    if cache is not None and cache.contains(key):
        return cache.load(key), True, source_hash
    timer = StageTimer("analysis", len(source), progress)
    shrink = config.analysis.shrink(source.info.width, source.info.height)  # a UHD frame is analysed at 1920x1080
    analysis = analyze_shot(_srgb_frames(source, required, shrink=shrink), config.analysis, models,
                            lambda done, frame: timer.step(), fresh_frames=True, shrink=shrink)
    if cache is not None:
        cache.save(key, analysis, source_hash, config.analysis)
    return analysis, False, source_hash


def analyze_source(source: PlateSource, config: NedConfig, models: FaceMeshModels,
                   progress: ProgressCallback | None = None) -> tuple[ShotAnalysis, bool, str]:
    """Face analysis of every frame of ``source``, through the analysis cache when one is configured.

    When ``source`` is a sub-range of a movie or sequence, the whole source is analysed (once: the cache
    keeps it) and the result narrowed to ``source``'s frames (``ShotAnalysis.select``), so track ids and
    shots do not depend on the range. Frames of the whole source that are missing or unreadable outside
    the range are skipped.

    Returns:
        The analysis, whether it was a cache hit, and the fingerprint of the source analysed (the whole one).
    """
    whole = whole_source(source)
    if whole is None:
        return _analyze(source, config, models, progress, None)
    with whole:
        analysis, hit, source_hash = _analyze(whole, config, models, progress, frozenset(source.info.frames))
    return analysis.select(source.info.frames), hit, source_hash


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
