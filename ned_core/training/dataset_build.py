"""Turn labelled videos into an expression dataset with the analysis stage (plates -> faces -> expression fit)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ned_core.analysis import FaceMeshModels
from ned_core.analysis.shot import TrackAnalysis
from ned_core.exceptions import DatasetLayoutError, NoFaceTrackError
from ned_core.face3d.channels import EMOTIONS
from ned_core.face3d.embedded import EmbeddedFaceModel
from ned_core.face3d.interface import FaceModel
from ned_core.io.plates import open_plates
from ned_core.manipulation.space import space_for_channels
from ned_core.models import ModelStore
from ned_core.pipeline.analyze import ShotFit, analyze_and_fit
from ned_core.pipeline.config import NedConfig
from ned_core.training.dataset import UNLABELLED, ExpressionDataset, concat_clips
from ned_core.training.dataset_layouts import LabelledVideo, read_affwild2_annotation

VideoProgress = Callable[[int, int, LabelledVideo], None]  # (videos done, total, the video just finished)


def _track(fit: ShotFit, side: str | None) -> TrackAnalysis:
    """The main face, or the leftmost/rightmost track (mean box centre) for ``side``."""
    tracks = fit.analysis.tracks
    if side is None:
        return fit.analysis.default()
    centre = [float(np.mean(t.track.boxes[:, 0] + t.track.boxes[:, 2])) for t in tracks]
    return tracks[int(np.argmin(centre) if side == "left" else np.argmax(centre))]


def _labels(video: LabelledVideo, frames: int) -> np.ndarray:
    if video.annotation is None:
        return np.full(frames, EMOTIONS.index(video.label), np.int8)
    notes = read_affwild2_annotation(video.annotation)[:frames]
    return np.concatenate([notes, np.full(frames - len(notes), UNLABELLED, np.int8)])


def video_clip(video: LabelledVideo, config: NedConfig, models: FaceMeshModels,
               model: FaceModel) -> tuple[tuple, tuple[str, ...]]:
    """One video's clip ``(expression (T, K), labels (T,), valid (T,), actor, source)`` and channel names.

    Rows of frames without the face are zeros with ``valid`` False.

    Raises:
        NoFaceTrackError: no face in the video.
    """
    with open_plates(video.path, colour=config.colour) as source:
        fit = analyze_and_fit(source, config, models=models, model=model)
        numbers = np.asarray(source.info.frames, np.int64)
    if not fit.analysis.tracks:
        raise NoFaceTrackError(f"{video.path}: no face found")
    track = _track(fit, video.side)
    result = fit.fits[track.track.track_id]
    rows = np.searchsorted(numbers, track.track.frames)
    expression = np.zeros((len(numbers), result.expression.shape[1]), np.float32)
    expression[rows] = result.expression
    valid = np.zeros(len(numbers), bool)
    valid[rows] = True
    return (expression, _labels(video, len(numbers)), valid, video.actor, str(video.path)), result.channel_names


def build_dataset(videos: list[LabelledVideo], config: NedConfig, info: dict,
                  models: FaceMeshModels | None = None, model: FaceModel | None = None,
                  progress: VideoProgress | None = None) -> ExpressionDataset:
    """Analyse every video and fit the expression of its main face (or annotated side) per frame.

    Args:
        videos: from :func:`ned_core.training.dataset_layouts.find_videos`.
        config: analysis, fit, colour and cache settings (the analysis cache is used).
        info: recorded in the dataset (layout, levels, ...); the skipped videos are added.
        models: MediaPipe models (loaded from ``config.store`` if ``None``).
        model: the face model (tier); default the embedded model. Its channels give the space.
        progress: called after each video.

    Raises:
        DatasetLayoutError: no face in any video, or videos fitted with different channel sets.
    """
    models = models or FaceMeshModels.load(ModelStore(config.store), config.analysis)
    model = model or EmbeddedFaceModel.from_mean_face(config.fit)
    clips, skipped, channels = [], [], None
    for done, video in enumerate(videos, start=1):
        try:
            clip, names = video_clip(video, config, models, model)
        except NoFaceTrackError:
            skipped.append(str(video.path))
        else:
            if channels is not None and names != channels:
                raise DatasetLayoutError(f"{video.path}: fitted with channels {names[:3]}..., others with "
                                         f"{channels[:3]}...; build one dataset per tier")
            channels = names
            clips.append(clip)
        if progress is not None:
            progress(done, len(videos), video)
    if not clips:
        raise DatasetLayoutError(f"no face found in any of the {len(videos)} videos")
    return concat_clips(space_for_channels(channels), clips, {**info, "skipped_no_face": skipped})
